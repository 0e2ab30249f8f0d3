/* Character counting as each platform counts, the same rules as the composer (campaign.compose):
   - X: a port of npm twitter-text 3.1 parseTweet (URLs 23, emoji 2 as twemoji-parser 11 splits them,
     code points by the v3 weight ranges), running twitter-text's own expressions, which the build
     inlines from campaign/compose/counter_data.json (python tools/regen_counter_data.py);
   - Bluesky: graphemes and UTF-8 bytes of the text as the Bluesky app posts it: each http(s) link's
     visible text shortened (social-app toShortUrl/shortenLinks), the link itself kept in a facet;
   - Mastodon: as the server's StatusLengthValidator: graphemes, each URL with a scheme 23,
     @user@domain as @user, a blank text 0;
   - the rest: UTF-16 units (JavaScript's string length).
   Also each platform's other rules (hashtag and link caps) with the CLI's words.
   No network, no dependencies. */
(function () {
  "use strict";

  var DATA = /*counter-data*/null/*end*/;
  var RULES = /*platform-rules*/{}/*end*/;

  function re(name) {
    var source = DATA.js[name][0].replace(/[\u0001-\u0008]/g, function (c) { return DATA.shared[c.charCodeAt(0) - 1]; });
    return new RegExp(source, DATA.js[name][1]);
  }

  var CONFIG = DATA.config;
  var EXTRACT_URL = re("extractUrl");
  var VALID_ASCII_DOMAIN = re("validAsciiDomain");
  var INVALID_PRECEDING = re("invalidUrlWithoutProtocolPrecedingChars");
  var VALID_TCO = re("validTcoUrl");
  var INVALID_CHARS = re("invalidChars");
  var EMOJI = re("emoji");
  var MAX_URL_LENGTH = 4096;
  var MAX_TCO_SLUG_LENGTH = 40;
  var MAX_DOMAIN_LABEL_LENGTH = 63;
  var MASTODON_URL_WEIGHT = 23;
  // Mastodon's Account::MENTION_RE (Onigmo's [[:word:]] is Unicode's \w) and twitter-text's end_mention_match.
  var WORD = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}";
  var MASTODON_MENTION = new RegExp("(?<![=/" + WORD + "])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[" + WORD + "]+(?:[.-]+[" + WORD + "]+)*)?", "giu");
  var END_MENTION = /^(?:[@\uff20\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff]|:\/\/)/;
  var BLANK = /^[\p{White_Space}]*$/u; // ActiveSupport's String#blank?: the server counts such a text 0
  // @atproto/api richtext/util.ts URL_REGEX: how Bluesky finds links.
  var BSKY_URL = /(^|\s|\()((https?:\/\/[\S]+)|((?<domain>[a-z][a-z0-9]*(\.[a-z0-9]+)+)[\S]*))/gim;
  var HASHTAG = /(?:^|(?<=\s))#([\p{L}\p{N}\p{M}_]+)/gu;
  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, {granularity: "grapheme"}) : null;

  function graphemes(text) {
    if (segmenter) {
      var n = 0;
      for (var s of segmenter.segment(text)) { n++; } // eslint-disable-line no-unused-vars
      return n;
    }
    return Array.from(text).length; // an old browser: code points are the nearest measure
  }

  function bytes(text) { return new TextEncoder().encode(text).length; }

  /* ---- punycode.js 1.4.1 toASCII, for twitter-text's label lengths ---- */

  function punycodeEncode(input) {
    var cps = Array.from(input, function (c) { return c.codePointAt(0); });
    // punycode.js decodes UTF-16 itself: a lone surrogate stays one code point, as Array.from keeps it.
    var n = 128, delta = 0, bias = 72, output = [], h, b, m, q, k, t;
    cps.forEach(function (c) { if (c < 0x80) { output.push(String.fromCharCode(c)); } });
    h = b = output.length;
    if (b) { output.push("-"); }
    var adapt = function (d, numPoints, first) {
      var kk = 0;
      d = first ? Math.floor(d / 700) : d >> 1;
      d += Math.floor(d / numPoints);
      for (; d > 455; kk += 36) { d = Math.floor(d / 35); }
      return Math.floor(kk + 36 * d / (d + 38));
    };
    var digit = function (d) { return String.fromCharCode(d + 22 + 75 * (d < 26)); };
    while (h < cps.length) {
      m = 0x7FFFFFFF;
      cps.forEach(function (c) { if (c >= n && c < m) { m = c; } });
      delta += (m - n) * (h + 1);
      n = m;
      for (var j = 0; j < cps.length; j++) {
        var c = cps[j];
        if (c < n) { delta++; }
        if (c === n) {
          for (q = delta, k = 36; ; k += 36) {
            t = k <= bias ? 1 : (k >= bias + 26 ? 26 : k - bias);
            if (q < t) { break; }
            output.push(digit(t + (q - t) % (36 - t)));
            q = Math.floor((q - t) / (36 - t));
          }
          output.push(digit(q));
          bias = adapt(delta, h + 1, h === b);
          delta = 0;
          h++;
        }
      }
      delta++;
      n++;
    }
    return output.join("");
  }

  function punycodeToAscii(label) {
    var prefix = "";
    var parts = label.split("@");
    if (parts.length > 1) { prefix = parts[0] + "@"; label = parts[1]; }
    return prefix + label.replace(/[\x2E\u3002\uFF0E\uFF61]/g, ".").split(".").map(function (s) {
      return /[^\x20-\x7E]/.test(s) ? "xn--" + punycodeEncode(s) : s;
    }).join(".");
  }

  /* twitter-text lib/idna.js toAscii: undefined when a label is empty or longer than 63. */
  function idnaToAscii(domain) {
    if (domain.substring(0, 4) === "xn--" && !domain.match(VALID_ASCII_DOMAIN)) { return undefined; }
    var labels = domain.split(".");
    for (var i = 0; i < labels.length; i++) {
      var encoded = punycodeToAscii(labels[i]);
      if (encoded.length < 1 || encoded.length > MAX_DOMAIN_LABEL_LENGTH) { return undefined; }
    }
    return labels.join(".");
  }

  function isValidUrl(url, protocol, domain) {
    var ascii = idnaToAscii(domain);
    if (!ascii || !ascii.length) { return false; }
    return protocol.length + url.length + ascii.length - domain.length <= MAX_URL_LENGTH;
  }

  /* twitter-text extractUrlsWithIndices: [{url, indices: [start, end)}] in UTF-16 units. */
  function extractUrls(text, withoutProtocol) {
    if (withoutProtocol === undefined) { withoutProtocol = true; }
    if (!text || (withoutProtocol ? !text.match(/\./) : !text.match(/:/))) { return []; }
    var urls = [];
    var m;
    EXTRACT_URL.lastIndex = 0;
    while ((m = EXTRACT_URL.exec(text))) {
      var before = m[2] || "", url = m[3] || "", protocol = m[4] || "", domain = m[5] || "", path = m[7] || "";
      var end = EXTRACT_URL.lastIndex;
      var start = end - url.length;
      if (!isValidUrl(url, protocol || "https://", domain)) { continue; }
      if (!protocol) {
        if (!withoutProtocol || before.match(INVALID_PRECEDING)) { continue; }
        var last = null;
        var asciiEnd = 0;
        domain.replace(VALID_ASCII_DOMAIN, function (asciiDomain) {
          var asciiStart = domain.indexOf(asciiDomain, asciiEnd);
          asciiEnd = asciiStart + asciiDomain.length;
          last = {url: asciiDomain, indices: [start + asciiStart, start + asciiEnd]};
          urls.push(last);
        });
        if (last === null) { continue; }
        if (path) {
          last.url = url.replace(domain, last.url);
          last.indices[1] = end;
        }
      } else {
        var tco = url.match(VALID_TCO);
        if (tco) {
          if (tco[1] && tco[1].length > MAX_TCO_SLUG_LENGTH) { continue; }
          url = tco[0];
          end = start + url.length;
        }
        urls.push({url: url, indices: [start, end]});
      }
    }
    return urls;
  }

  function extractEmoji(text) {
    var found = [];
    var m;
    EMOJI.lastIndex = 0;
    while ((m = EMOJI.exec(text))) { found.push({text: m[0], indices: [m.index, EMOJI.lastIndex]}); }
    return found;
  }

  function charWeight(unit) {
    var ranges = CONFIG.ranges;
    for (var i = 0; i < ranges.length; i++) {
      if (unit >= ranges[i].start && unit <= ranges[i].end) { return ranges[i].weight; }
    }
    return CONFIG.defaultWeight;
  }

  /* twitter-text parseTweet: {weightedLength, valid}. */
  function parseTweet(text) {
    var t = text.normalize();
    var urls = {}, emoji = {};
    extractUrls(t).forEach(function (u) { urls[u.indices[0]] = u; });
    extractEmoji(t).forEach(function (e) { emoji[e.indices[0]] = e; });
    var weighted = 0;
    var valid = true;
    for (var i = 0; i < t.length; i++) {
      if (urls[i]) {
        weighted += CONFIG.transformedURLLength * CONFIG.scale;
        i += urls[i].url.length - 1;
      } else if (emoji[i]) {
        weighted += CONFIG.defaultWeight;
        i += emoji[i].text.length - 1;
      } else {
        var c = t.charCodeAt(i), next = t.charCodeAt(i + 1);
        if (i < t.length - 1 && c >= 0xD800 && c <= 0xDBFF && next >= 0xDC00 && next <= 0xDFFF) { i++; }
        weighted += charWeight(t.charCodeAt(i));
      }
      if (valid) { valid = !INVALID_CHARS.test(t.substring(i, i + 1)); }
    }
    weighted = weighted / CONFIG.scale;
    return {weightedLength: weighted, valid: valid && weighted > 0 && weighted <= CONFIG.maxWeightedTweetLength};
  }

  function x(text) { return parseTweet(text).weightedLength; }

  /* ---- Bluesky: links as the app writes them ---- */

  /* social-app src/lib/strings/url-helpers.ts toShortUrl. */
  function toShortUrl(url) {
    try {
      var u = new URL(url);
      if (u.protocol !== "http:" && u.protocol !== "https:") { return url; }
      var path = (u.pathname === "/" ? "" : u.pathname) + u.search + u.hash;
      return path.length > 15 ? u.host + path.slice(0, 13) + "..." : u.host + path;
    } catch (e) {
      return url;
    }
  }

  /* Link ranges [start, end) in UTF-16 units as @atproto/api RichText detects them (only those
     with a scheme can be shortened: the app shortens the visible text, and a bare domain has none). */
  function bskyLinks(text) {
    var found = [];
    var m;
    BSKY_URL.lastIndex = 0;
    while ((m = BSKY_URL.exec(text))) {
      var uri = m[2];
      if (!uri.startsWith("http")) { continue; }
      var start = text.indexOf(m[2], m.index);
      var end = start + m[2].length;
      if (/[.,;:!?]$/.test(uri)) { uri = uri.slice(0, -1); end--; }
      if (/[)]$/.test(uri) && !uri.includes("(")) { uri = uri.slice(0, -1); end--; }
      found.push([start, end]);
    }
    return found;
  }

  /* The text as the Bluesky app posts it: each link's visible text shortened. */
  function bskyShort(text) {
    var links = bskyLinks(text);
    for (var i = links.length - 1; i >= 0; i--) {
      var s = links[i][0], e = links[i][1];
      text = text.slice(0, s) + toShortUrl(text.slice(s, e)) + text.slice(e);
    }
    return text;
  }

  function bluesky(text) { return graphemes(bskyShort(text)); }

  /* A text to hand to the Bluesky app (copy, share): each short link written out in full again,
     which the app shortens back to the same visible text. links: the post's full URLs. */
  function bskyFull(text, links) {
    (links || []).forEach(function (url) {
      var short = toShortUrl(url);
      if (short !== url && text.indexOf(short) !== -1) { text = text.split(short).join(url); }
    });
    return text;
  }

  /* ---- Mastodon ---- */

  /* Mastodon's StatusLengthValidator: the URLs (with a scheme) and mentions of the text, overlapping
     ones dropped (the earlier wins), each URL counted as 23 and each mention as @user; graphemes. */
  function mastodon(text) {
    if (BLANK.test(text)) { return 0; }
    var entities = extractUrls(text, false).map(function (u) {
      return [u.indices[0], u.indices[1], "x".repeat(MASTODON_URL_WEIGHT)];
    });
    var m;
    MASTODON_MENTION.lastIndex = 0;
    while ((m = MASTODON_MENTION.exec(text))) {
      var end = m.index + m[0].length;
      if (!END_MENTION.test(text.slice(end))) { entities.push([m.index, end, "@" + m[1]]); }
    }
    entities.sort(function (a, b) { return a[0] - b[0]; });
    var out = "", last = 0;
    entities.forEach(function (e) {
      if (e[0] < last) { return; } // overlaps the one before (twitter-text removeOverlappingEntities)
      out += text.slice(last, e[0]) + e[2];
      last = e[1];
    });
    return graphemes(out + text.slice(last));
  }

  /* The length of text as the platform counts it (counter names as in campaign.compose.platforms). */
  function measure(text, counter) {
    if (counter === "x") { return x(text); }
    if (counter === "bluesky") { return bluesky(text); }
    if (counter === "mastodon") { return mastodon(text); }
    return text.length; // "utf16": JavaScript's own string length, as the composer counts it
  }

  /* Every rule of a platform (an id of campaign.compose.platforms) the text is checked against, as
     campaign.compose.length.count does: {length, limit, over, bytes, maxBytes, hashtags, maxHashtags,
     links, maxLinks, refused, problems, fits}. limit: a Mastodon instance's own limit, if any. */
  function check(text, platform, limit) {
    var rule = RULES[platform] || {counter: "utf16", limit: limit || 0};
    var out = {length: measure(text, rule.counter), limit: limit || rule.limit};
    out.over = Math.max(0, out.length - out.limit);
    out.refused = rule.counter === "x" && (!text || INVALID_CHARS.test(text.normalize()));
    out.maxBytes = rule.maxBytes || null;
    out.bytes = out.maxBytes ? bytes(rule.counter === "bluesky" ? bskyShort(text) : text) : null;
    out.maxHashtags = rule.maxHashtags === undefined ? null : rule.maxHashtags;
    out.hashtags = out.maxHashtags === null ? null : (text.match(HASHTAG) || []).length;
    out.maxLinks = rule.maxLinks === undefined ? null : rule.maxLinks;
    out.links = out.maxLinks === null ? null : extractUrls(text).length;
    // Every rule broken, as [the page's string key, its values], in campaign.compose.length Count.issues' order.
    var p = out.problems = [];
    if (out.refused) { p.push(["counter_refused", {}]); }
    if (out.over) { p.push(["counter_over", {over: out.over}]); }
    if (out.maxBytes && out.bytes > out.maxBytes) { p.push(["counter_bytes", {over: out.bytes - out.maxBytes, max: out.maxBytes}]); }
    if (out.hashtags > out.maxHashtags) { p.push(["counter_hashtags", {over: out.hashtags - out.maxHashtags, max: out.maxHashtags}]); }
    if (out.links > out.maxLinks) { p.push(["counter_links", {over: out.links - out.maxLinks, max: out.maxLinks}]); }
    out.fits = !p.length;
    return out;
  }

  window.campaignCount = {
    x: x, parseTweet: parseTweet, extractUrls: extractUrls, extractEmoji: extractEmoji,
    bluesky: bluesky, bskyShort: bskyShort, bskyFull: bskyFull, toShortUrl: toShortUrl,
    mastodon: mastodon, graphemes: graphemes, utf16: function (t) { return t.length; }, bytes: bytes,
    measure: measure, check: check, rules: RULES
  };
}());
