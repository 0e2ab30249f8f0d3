/* Character counting as each platform counts, the same rules as the composer
   (campaign.compose): X by twitter-text v3 weights, Bluesky by graphemes and
   UTF-8 bytes, Mastodon by graphemes with links at 23 and @user@domain as
   @user, the rest in UTF-16 units (JavaScript's string length). No network, no dependencies. */
(function () {
  "use strict";

  var URL_WEIGHT = 23;
  // twitter-text v3: these code point ranges weigh 1, everything else 2.
  var LIGHT = [[0x0000, 0x10FF], [0x2000, 0x200D], [0x2010, 0x201F], [0x2032, 0x2037]];
  // Top-level domains a bare domain may end in (twitter-text counts "example.org" as a link).
  // The build writes the full list from twitter-text (the composer's counter) between the markers.
  var TLDS = /*tlds*/"com|org|net|edu|gov|info|io|app|dev|se|nu|eu|no|dk|fi|de|uk|fr|es|it|nl|us"/*end*/;
  var DOMAIN = "(?:[a-z0-9\\u00c0-\\u024f](?:[a-z0-9\\u00c0-\\u024f_-]*[a-z0-9\\u00c0-\\u024f])?\\.)+";
  var ASCII_DOMAIN = "(?:[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\\.)+";
  var PATH = "[a-z0-9!*';:=+,.$\\/%#\\[\\]\\-_~&|@\\u00c0-\\u024f\\u0400-\\u04ff()]";
  var QUERY = "[a-z0-9!?*'@();:&=+$\\/%#\\[\\]\\-_.,~|]";
  // A link: with a scheme any domain, without one a known TLD; then an optional port, path and query.
  var URL_RE = new RegExp(
    "(^|[^a-z0-9@#$\\uff20\\uff03])(" +
    "(?:https?:\\/\\/" + DOMAIN + "[a-z0-9\\u00c0-\\u024f-]{2,}|" + ASCII_DOMAIN + "(?:" + TLDS + "))" +
    "(?![a-z0-9\\u00c0-\\u024f@-])(?::\\d{1,5})?(?:\\/" + PATH + "*)?(?:\\?" + QUERY + "*)?)", "gi");
  var PATH_END = /[a-z0-9=_#\/+\-\u00c0-\u024f]/i;
  var EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
  var MASTODON_MENTION = /(^|[^\/\p{L}\p{N}_])@(([a-z0-9_]+)@[a-z0-9.\-]+[a-z0-9]+)/giu;
  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, {granularity: "grapheme"}) : null;

  function graphemeList(text) {
    if (segmenter) {
      return Array.from(segmenter.segment(text), function (s) { return s.segment; });
    }
    return Array.from(text); // an old browser: code points are the nearest measure
  }

  function graphemes(text) { return graphemeList(text).length; }

  function bytes(text) { return new TextEncoder().encode(text).length; }

  // Trim what twitter-text would not take as the end of a link: trailing punctuation, an unbalanced ")".
  function trimUrl(url) {
    while (url.length) {
      var last = url.charAt(url.length - 1);
      var balanced = url.split("(").length >= url.split(")").length;
      if (last === ")" ? balanced : PATH_END.test(last)) { break; }
      url = url.slice(0, -1);
    }
    return url;
  }

  /* [start, end) code unit ranges of links in text, as twitter-text finds them. */
  function urlRanges(text, withScheme) {
    var ranges = [];
    var m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text)) !== null) {
      var url = m[2];
      if (withScheme && !/^https?:\/\//i.test(url)) { continue; }
      var hasPath = /^(?:https?:\/\/)?[^\/?]+[\/?]/i.test(url);
      if (hasPath) { url = trimUrl(url); }
      var start = m.index + m[1].length;
      ranges.push([start, start + url.length]);
      URL_RE.lastIndex = start + Math.max(url.length, 1);
    }
    return ranges;
  }

  function weight(codePoint) {
    for (var i = 0; i < LIGHT.length; i++) {
      if (codePoint >= LIGHT[i][0] && codePoint <= LIGHT[i][1]) { return 1; }
    }
    return 2;
  }

  /* X's weighted length (twitter-text v3). */
  function x(text) {
    text = text.replace(/\r\n?/g, "\n").normalize("NFC");
    var ranges = urlRanges(text);
    var total = 0;
    var pos = 0;
    var r = 0;
    var clusters = graphemeList(text);
    for (var c = 0; c < clusters.length; c++) {
      var cluster = clusters[c];
      var end = pos + cluster.length;
      if (r < ranges.length && pos >= ranges[r][0]) {
        if (pos === ranges[r][0]) { total += URL_WEIGHT; }
        if (end >= ranges[r][1]) { r++; }
        pos = end;
        continue;
      }
      if (EMOJI.test(cluster)) {
        total += 2;
      } else {
        for (var ch of cluster) { total += weight(ch.codePointAt(0)); }
      }
      pos = end;
    }
    return total;
  }

  /* Mastodon: graphemes, every http(s) link 23, @user@domain as @user. */
  function mastodon(text) {
    var ranges = urlRanges(text, true);
    var shortened = text;
    for (var i = ranges.length - 1; i >= 0; i--) {
      shortened = shortened.slice(0, ranges[i][0]) + "x".repeat(URL_WEIGHT) + shortened.slice(ranges[i][1]);
    }
    shortened = shortened
      .replace(MASTODON_MENTION, function (_all, before, _whole, user) { return before + "@" + user; });
    return graphemes(shortened);
  }

  /* The length of text as the platform counts it (counter names as in campaign.compose.platforms). */
  function measure(text, counter) {
    if (counter === "x") { return x(text); }
    if (counter === "bluesky") { return graphemes(text); }
    if (counter === "mastodon") { return mastodon(text); }
    return text.length; // "utf16": JavaScript's own string length, as the composer counts it
  }

  window.campaignCount = {x: x, bluesky: graphemes, mastodon: mastodon, utf16: function (t) { return t.length; }, bytes: bytes, measure: measure, urlRanges: urlRanges};
}());
