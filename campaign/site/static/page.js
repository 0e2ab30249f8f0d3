/* The activist page: the recommended post first, platform tabs, live counters, copy, share
   (the phone's share sheet where it exists, threads part by part), folded messages, the
   forgiving municipality picker. Reads its data from the page's JSON block, static/strings.js and
   data/areas/<key>.js files (with data/shared.js); builds every element with textContent, never with HTML
   strings, so campaign text can only ever show as text. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("page-config").textContent);
  var S = window.campaignStrings; // static/strings.js, loaded before this script: the UI text, once for every page
  var count = window.campaignCount;
  var STORE_PLATFORM = "campaign.platform";
  var STORE_MASTODON = "campaign.mastodon";
  var INTENTS = {
    x: "https://x.com/intent/tweet?text=",
    bluesky: "https://bsky.app/intent/compose?text=",
    threads: "https://www.threads.com/intent/post?text=",
    linkedin: "https://www.linkedin.com/sharing/share-offsite/?url=",
    facebook: "https://www.facebook.com/sharer/sharer.php?u="
  };
  var main = document.getElementById("main");
  // The area the page shows: a saved page keeps the one it showed when it was saved (data-area).
  var current = {key: main.dataset.area || config.area, name: ""};

  function fmt(key, values) {
    return S[key].replace(/\{([^{}|]*)\|([^{}]*)\}/g, function (_m, one, more) { return values.over === 1 ? one : more; })
      .replace(/\{(\w+)\}/g, function (_m, name) { return String(values[name]); });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function store(key, value) {
    try {
      if (value === undefined) { return window.localStorage.getItem(key); }
      window.localStorage.setItem(key, value);
    } catch (e) { /* storage off (private mode, file://): remember nothing */ }
    return null;
  }

  function say(text) {
    // One polite live region for the page: over-limit warnings, copied texts, thread steps.
    var live = document.getElementById("live");
    if (!live) { return; }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function platformName(platform) { return config.platforms[platform] ? config.platforms[platform].name : platform; }

  function cardOf(node) { return node.closest(".card"); }

  function topicOf(node) { return cardOf(node).dataset.topic; }

  /* ---- counters ---- */

  function fit(textarea) {
    if (textarea.offsetParent === null) { return; } // hidden: sized when its tab is shown
    textarea.style.height = "0px"; // so that scrollHeight is the text's own height, not the rows'
    textarea.style.height = (textarea.scrollHeight + 2) + "px";
  }

  function updateCounter(textarea, quiet) {
    fit(textarea);
    var panel = textarea.closest(".panel");
    var platform = panel.dataset.platform;
    var info = config.platforms[platform];
    // Every rule the composer holds the post to (count.js check: length, bytes, hashtag and link caps).
    var c = count.check(textarea.value, platform, parseInt(panel.dataset.limit, 10));
    var out = textarea.parentNode.querySelector(".counter");
    // What is wrong in the CLI's words (Count.problems), in the page's language: count.js names
    // "counter_refused", "counter_over", "counter_bytes", "counter_hashtags", "counter_links" (render.script_strings).
    var words = c.problems.map(function (p) { return fmt(p[0], p[1]); });
    var keys = c.problems.map(function (p) { return p[0]; }).join();
    out.textContent = [fmt("counter", {n: c.length, limit: c.limit})].concat(words).join(" – ");
    out.classList.toggle("over", !c.fits);
    // A change of what is wrong is said once, not on every key: the counter itself is read with the text.
    if (!quiet && keys !== (out.dataset.problems || "")) {
      say(fmt(c.fits ? "fits_live" : keys === "counter_over" ? "over_live" : "problems_live",
        {platform: info.name, over: c.over, problems: words.join(", ")}));
    }
    out.dataset.problems = keys;
    resetThread(panel);
  }

  /* The text to hand over (copy, share): for Bluesky with its links written out in full, which the
     app shortens back to the text shown (a pasted short form would be a broken link). */
  function handOver(panel, text) {
    return panel.dataset.platform === "bluesky" ? count.bskyFull(text, panel.dataset.link ? [panel.dataset.link] : []) : text;
  }

  /* ---- copy ---- */

  /* Copy with the Clipboard API; where it is missing or refused, copy from a hidden read-only
     textarea (read-only: no keyboard pops up on a phone); when even that fails, select the
     text in its box (made read-only for the moment too) so that Ctrl+C copies it. */
  function copyText(text, box, done, selected) {
    var fallback = function () {
      var ok = false;
      var scratch = el("textarea", {readonly: "", "aria-hidden": "true", tabindex: "-1", "class": "scratch"});
      scratch.value = text;
      document.body.appendChild(scratch);
      try {
        scratch.select();
        ok = document.execCommand("copy");
      } catch (e) { ok = false; }
      scratch.remove();
      if (ok) { done(); return; }
      if (box) { selectQuietly(box); }
      selected();
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  function selectQuietly(box) {
    if (box.tagName !== "TEXTAREA") {
      var range = document.createRange();
      range.selectNodeContents(box);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      return;
    }
    box.readOnly = true;
    box.focus();
    box.select();
    var editable = function () { box.readOnly = false; box.removeEventListener("blur", editable); box.removeEventListener("click", editable); };
    box.addEventListener("blur", editable);
    box.addEventListener("click", editable);
  }

  function note(node, text) {
    var bar = node.closest(".bar, .share-row, .send, figcaption") || node.parentNode;
    var status = bar.querySelector(".copy-note") || bar.appendChild(el("span", {"class": "copy-note", role: "status"}));
    status.textContent = text;
    window.clearTimeout(status.timer);
    status.timer = window.setTimeout(function () { status.textContent = ""; }, 6000);
  }

  function copy(button) {
    var textarea = button.closest(".part").querySelector("textarea");
    copyText(handOver(textarea.closest(".panel"), textarea.value), textarea, function () { flash(button, S.copied); showNext(); },
      function () { flash(button, S.copy, S.copy_selected); });
  }

  function flash(button, label, text) {
    var original = button.dataset.label || button.textContent;
    button.dataset.label = original;
    var name = button.getAttribute("aria-label");
    if (name) { button.dataset.name = name; }
    button.textContent = label;
    button.removeAttribute("aria-label"); // the name says what the button now shows ("Kopierat!")
    button.classList.add("done");
    note(button, text || label);
    window.setTimeout(function () {
      button.textContent = original;
      if (button.dataset.name) { button.setAttribute("aria-label", button.dataset.name); }
      button.classList.remove("done");
    }, 2500);
  }

  /* The image's description to read and copy, made from the img's alt (the HTML carries it once). */
  function addAlt(figure) {
    var img = figure.querySelector("img");
    var cap = figure.querySelector("figcaption");
    var old = figure.querySelector("details");
    if (old) { old.remove(); } // a saved page: built again, not twice
    if (!img || !cap || !img.alt) { return; }
    var details = cap.insertBefore(el("details"), cap.firstChild);
    details.appendChild(el("summary", {}, S.alt_text));
    details.appendChild(el("p", {"class": "alt"}, img.alt));
    details.appendChild(el("button", {type: "button", "class": "copy-alt link"}, S.copy_alt));
  }

  function copyAlt(button) {
    var text = button.parentNode.querySelector(".alt");
    copyText(text.textContent, text, function () {
      button.textContent = S.copied;
      window.setTimeout(function () { button.textContent = S.copy_alt; }, 2500);
    }, function () { button.textContent = S.copy_selected; });
  }

  /* ---- share ---- */

  function texts(panel) {
    return Array.prototype.map.call(panel.querySelectorAll("textarea.post"), function (t) { return handOver(panel, t.value); });
  }

  function intentUrl(panel, text) {
    var platform = panel.dataset.platform;
    if (config.platforms[platform].byLink) {
      var link = panel.dataset.link || config.pageUrl;
      return link ? INTENTS[platform] + encodeURIComponent(link) : "";
    }
    return INTENTS[platform] ? INTENTS[platform] + encodeURIComponent(text) : "";
  }

  function shareLabel(panel, key, n, total) {
    return fmt(key, {topic: topicOf(panel), platform: platformName(panel.dataset.platform), n: n, total: total});
  }

  /* A thread is shared part by part: part 1 through the platform, then each next part is copied
     to be pasted as a reply (no platform's share link can reply to a post it did not make). */
  function resetThread(panel) {
    if (panel.dataset.step && panel.dataset.step !== "0") {
      panel.dataset.step = "0";
      buildShare(panel);
    } else {
      var a = panel.querySelector(".share-row a.share");
      if (a) { a.href = intentUrl(panel, texts(panel)[0] || ""); }
    }
  }

  function imageFor(card, platform) {
    var files = Array.prototype.map.call(card.querySelectorAll(".downloads a"), function (a) {
      return {href: a.getAttribute("href"), label: a.textContent};
    });
    var name = platformName(platform);
    var mine = files.filter(function (f) { return f.label.indexOf(name) !== -1; })[0];
    return mine || files[0] || null;
  }

  function canShareSheet() { return typeof navigator.share === "function" && window.isSecureContext; }

  /* The phone's share sheet with the card's image attached where the browser can share files. */
  function shareSheet(panel, button) {
    var platform = panel.dataset.platform;
    var data = {text: texts(panel).join("\n\n")};
    var link = config.platforms[platform].byLink ? panel.dataset.link || config.pageUrl : "";
    if (link) { data.url = link; }
    var image = imageFor(cardOf(panel), platform);
    var withFile = image && typeof navigator.canShare === "function" ? fetchFile(image.href) : Promise.resolve(null);
    withFile.then(function (file) {
      if (file && navigator.canShare({files: [file]})) { data.files = [file]; }
      return navigator.share(data);
    }).then(function () { showNext(); }, function (e) {
      if (!e || e.name !== "AbortError") { note(button, S.no_share.replace("{platform}", platformName(platform))); }
    });
  }

  var files = {};

  function fetchFile(href) {
    if (!files[href]) {
      files[href] = fetch(href).then(function (r) { return r.ok ? r.blob() : null; }).then(function (blob) {
        return blob ? new File([blob], href.split("/").pop(), {type: blob.type || "image/png"}) : null;
      }, function () { return null; });
    }
    return files[href];
  }

  function buildShare(panel) {
    var box = panel.querySelector(".share-row") || panel.appendChild(el("div", {"class": "share-row"}));
    var platform = panel.dataset.platform;
    var name = platformName(platform);
    var parts = texts(panel);
    var step = parseInt(panel.dataset.step || "0", 10);
    var featured = cardOf(panel).classList.contains("featured");
    box.textContent = "";
    if (canShareSheet()) {
      var sheet = box.appendChild(el("button", {type: "button", "class": "share share-sheet", "aria-label": shareLabel(panel, "share_sheet_label")}, S.share_sheet));
      sheet.addEventListener("pointerdown", function () { var i = imageFor(cardOf(panel), platform); if (i) { fetchFile(i.href); } });
      sheet.addEventListener("click", function () { shareSheet(panel, sheet); });
    }
    var main;
    if (step > 0 && step < parts.length) {
      main = el("button", {type: "button", "class": "share next", "aria-label": shareLabel(panel, "share_next_label", step + 1, parts.length)},
        fmt("share_next", {n: step + 1, total: parts.length}));
      main.addEventListener("click", function () { shareNextPart(panel, main, step); });
    } else if (platform === "mastodon") {
      main = el("button", {type: "button", "class": "share mastodon", "aria-label": shareLabel(panel, "share_label")}, fmt("share_on", {platform: name}));
      main.addEventListener("click", function () { shareMastodon(panel, false); });
    } else if (platform === "instagram") {
      main = el("button", {type: "button", "class": "share instagram"}, S.instagram_copy);
      main.addEventListener("click", function () { shareInstagram(panel, main); });
      if (!imageFor(cardOf(panel), platform)) {
        main = el("span", {"class": "no-share"}, fmt("no_share", {platform: name}));
      }
    } else {
      var url = intentUrl(panel, parts[0] || "");
      if (!url) {
        main = el("span", {"class": "no-share"}, fmt("no_share", {platform: name}));
      } else {
        var byLink = config.platforms[platform].byLink;
        var label = byLink ? fmt("copy_and_share", {platform: name}) : parts.length > 1 ? fmt("share_next", {n: 1, total: parts.length}) : fmt("share_on", {platform: name});
        main = el("a", {"class": "share", href: url, target: "_blank", rel: "noopener noreferrer",
          "aria-label": byLink ? shareLabel(panel, "copy_and_share_label") : parts.length > 1 ? shareLabel(panel, "share_next_label", 1, parts.length) : shareLabel(panel, "share_label")}, label);
        main.addEventListener("click", function () { sharedByLink(panel, main, byLink); });
      }
    }
    box.appendChild(main);
    if (platform === "mastodon" && step === 0) {
      var instance = store(STORE_MASTODON);
      if (instance) {
        var change = box.appendChild(el("button", {type: "button", "class": "link change-instance"}, fmt("mastodon_change", {instance: instance})));
        change.addEventListener("click", function () { shareMastodon(panel, true); });
      }
    }
    var first = box.querySelector(".share");
    if (featured && first) { first.classList.add("big"); }
  }

  /* After the link opened part 1 (or, for LinkedIn and Facebook, the page's link): copy what the
     share window cannot take, and say so. The link's own navigation opens the window. */
  function sharedByLink(panel, link, byLink) {
    var parts = texts(panel);
    if (byLink) {
      copyText(parts[0] || "", null, function () { note(link, fmt("copied_share", {platform: platformName(panel.dataset.platform)})); },
        function () { note(link, S.copy_selected); });
    } else if (parts.length > 1) {
      panel.dataset.step = "1";
      window.setTimeout(function () { buildShare(panel); panel.querySelector(".share-row .share.next").focus(); }, 0);
    }
    showNext();
  }

  function shareNextPart(panel, button, step) {
    var parts = texts(panel);
    var boxes = panel.querySelectorAll("textarea.post");
    copyText(parts[step], boxes[step], function () {
      var text = fmt("thread_next", {n: step + 1, total: parts.length});
      panel.dataset.step = String(step + 1 < parts.length ? step + 1 : 0);
      buildShare(panel);
      note(panel.querySelector(".share-row .share:not(.share-sheet)") || panel.querySelector(".share-row"), step + 1 < parts.length ? text : text + " " + S.thread_done);
      say(text);
      var again = panel.querySelector(".share-row .share:not(.share-sheet)");
      if (again) { again.focus(); }
    }, function () { note(button, S.copy_selected); });
  }

  function shareInstagram(panel, button) {
    var image = imageFor(cardOf(panel), "instagram");
    copyText(texts(panel)[0] || "", null, function () { note(button, S.copied); }, function () { note(button, S.copy_selected); });
    if (image) { download(image.href); }
    showNext();
  }

  function cleanInstance(value) {
    var v = value.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/.*$/, "").replace(/^@?[^@\s]+@/, "");
    return /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d{1,5})?$/.test(v) ? v : "";
  }

  function mastodonUrl(instance, panel) {
    return "https://" + instance + "/share?text=" + encodeURIComponent(texts(panel)[0] || "");
  }

  function openMastodon(instance, panel) {
    window.open(mastodonUrl(instance, panel), "_blank", "noopener");
    if (texts(panel).length > 1) { panel.dataset.step = "1"; buildShare(panel); }
    showNext();
  }

  function shareMastodon(panel, change) {
    var instance = change ? "" : store(STORE_MASTODON);
    if (instance) {
      openMastodon(instance, panel);
      return;
    }
    var dialog = document.getElementById("mastodon-dialog");
    var input = document.getElementById("mastodon-instance");
    var error = document.getElementById("mastodon-error");
    input.value = store(STORE_MASTODON) || "";
    error.textContent = "";
    dialog.dataset.panel = panel.id;
    dialog.showModal();
    input.focus();
  }

  function initMastodonDialog() {
    var dialog = document.getElementById("mastodon-dialog");
    if (!dialog) { return; }
    var input = document.getElementById("mastodon-instance");
    document.getElementById("mastodon-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var instance = cleanInstance(input.value);
      if (!instance) {
        document.getElementById("mastodon-error").textContent = S.mastodon_invalid;
        input.focus();
        return;
      }
      store(STORE_MASTODON, instance);
      var panel = document.getElementById(dialog.dataset.panel);
      dialog.close();
      document.querySelectorAll('.panel[data-platform="mastodon"]').forEach(buildShare);
      openMastodon(instance, panel);
    });
    document.getElementById("mastodon-cancel").addEventListener("click", function () { dialog.close(); });
  }

  /* ---- downloads: the download attribute is ignored on file://, so there the image opens to be saved ---- */

  function download(href) {
    var a = el("a", {href: href, download: ""});
    if (location.protocol === "file:") {
      a.target = "_blank";
      a.removeAttribute("download");
    }
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function onDownload(event, link) {
    if (location.protocol !== "file:") { return; }
    event.preventDefault();
    window.open(link.href, "_blank", "noopener");
    note(link, S.open_image);
  }

  /* ---- the next step after sharing: send the page on, ask the politicians ---- */

  function showNext() {
    var tip = document.getElementById("tip");
    if (tip && !tip.classList.contains("shown")) {
      tip.classList.add("shown");
      say(S.next_title + ": " + S.send_title + ".");
    }
  }

  function initSend() {
    var box = document.getElementById("send");
    if (!box) { return; }
    var old = box.querySelector(".send-actions");
    if (old) { old.remove(); } // a saved page: its buttons are built again, with their handlers
    var row = box.appendChild(el("p", {"class": "send-actions"}));
    if (canShareSheet()) {
      var share = row.appendChild(el("button", {type: "button", "class": "share share-sheet"}, S.share_sheet));
      share.addEventListener("click", function () {
        navigator.share({url: document.getElementById("direct-link").href, title: document.title}).catch(function () { /* dismissed */ });
      });
    }
    var copyLink = row.appendChild(el("button", {type: "button", "class": "copy copy-link"}, S.copy_link));
    copyLink.addEventListener("click", function () {
      var link = document.getElementById("direct-link");
      copyText(link.href, link, function () { flash(copyLink, S.copied); }, function () { flash(copyLink, S.copy_link, S.copy_selected); });
    });
  }

  /* ---- tabs: one platform for every card, remembered ---- */

  function selectPlatform(platform, focusCard) {
    document.querySelectorAll(".card").forEach(function (card) {
      var tabs = card.querySelectorAll('[role="tab"]');
      var has = card.querySelector('[role="tab"][data-platform="' + platform + '"]');
      if (!has) { return; }
      tabs.forEach(function (tab) {
        var on = tab.dataset.platform === platform;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        var panel = document.getElementById(tab.getAttribute("aria-controls"));
        panel.hidden = !on;
        if (on) {
          panel.querySelectorAll("textarea").forEach(fit);
          // the tabs scroll sideways on a phone: keep the chosen one in view (without scrolling the page)
          tab.parentNode.scrollLeft = Math.max(0, tab.offsetLeft - tab.parentNode.offsetLeft - 16);
        }
        if (on && card === focusCard) { tab.focus(); }
      });
    });
    store(STORE_PLATFORM, platform);
  }

  function onTabKey(event) {
    var tab = event.target.closest('[role="tab"]');
    if (!tab) { return; }
    var tabs = Array.prototype.slice.call(tab.parentNode.querySelectorAll('[role="tab"]'));
    var i = tabs.indexOf(tab);
    var next = {ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1}[event.key];
    if (next === undefined) { return; }
    event.preventDefault();
    next = (next + tabs.length) % tabs.length;
    selectPlatform(tabs[next].dataset.platform, tab.closest(".card"));
  }

  /* ---- folding: the recommended card open, the others folded under their topic ---- */

  function foldCard(card) {
    if (card.classList.contains("featured")) { return; }
    var heading = card.querySelector(".card-title");
    var body = card.querySelector(".card-body");
    var button = heading.querySelector("button.fold");
    if (!button) { // a saved page has its buttons already: the page's click handler serves both
      button = el("button", {type: "button", "class": "fold", "aria-expanded": "false", "aria-controls": body.id});
      while (heading.firstChild) { button.appendChild(heading.firstChild); }
      heading.appendChild(button);
    }
    openCard(card, button.getAttribute("aria-expanded") === "true");
  }

  function openCard(card, open) {
    var button = card.querySelector(".card-title button.fold");
    var body = card.querySelector(".card-body");
    if (!button) { return; }
    button.setAttribute("aria-expanded", open ? "true" : "false");
    body.hidden = !open;
    if (open) { body.querySelectorAll("textarea.post").forEach(fit); }
  }

  function openFromHash(hash) {
    var m = /^#(msg-[a-z0-9_-]+)$/.exec(hash || "");
    var card = m && document.getElementById(m[1]);
    if (card && card.classList.contains("card")) {
      openCard(card, true);
      return card;
    }
    return null;
  }

  /* ---- areas: figures, mentions, posts, images without a reload ---- */

  /* Data files are scripts: a script loads from file:// where a fetch would not. data/areas/<key>.js
     holds what is the area's own and refers to data/shared.js for what other areas hold too. */
  function loadData(path, read, again) {
    return new Promise(function (resolve, reject) {
      var s = el("script", {src: config.root + path + "?v=" + config.version + (again || "")});
      s.onload = function () { s.remove(); return read() ? resolve(read()) : reject(new Error(path)); };
      s.onerror = function () { s.remove(); reject(new Error(path)); };
      document.head.appendChild(s);
    });
  }

  var shared = null;
  var areaFiles = {};

  /* What several areas hold alike (texts with {area} for the area's name, posts, images, figures), loaded once. */
  function loadShared(again) {
    if (!shared || again) { shared = loadData("data/shared.js", function () { return window.campaignShared; }, again); }
    return shared;
  }

  /* An area's data with its references into data/shared.js put back (a number is a shared entry: a card's
     into its message's own tables, a figure into the figures); new objects, since shared entries serve
     every area. */
  function resolveArea(d, c) {
    var pick = function (table, v) { return typeof v === "number" ? table[v] : v; };
    var cards = {};
    Object.keys(d.cards).forEach(function (id) {
      var m = Object.prototype.hasOwnProperty.call(c.messages, id) ? c.messages[id] : {cards: [], images: [], texts: []};
      var text = function (t) { return typeof t === "number" ? m.texts[t].split("{area}").join(d.name) : t; };
      var card = pick(m.cards, d.cards[id]);
      var posts = {};
      Object.keys(card.posts).forEach(function (p) {
        var post = card.posts[p];
        posts[p] = {parts: post.parts.map(text), limit: post.limit, link: post.link === undefined ? undefined : text(post.link)};
      });
      cards[id] = {posts: posts, images: pick(m.images, card.images)};
    });
    return Object.assign({}, d, {cards: cards, figures: d.figures.map(function (f) { return pick(c.figures, f); })});
  }

  /* An area file names the shared table it refers into: a pair from different builds (one of them from
     a cache) is fetched again past any cache, and never read against the wrong table. */
  function loadArea(key) {
    var read = function () { return (window.campaignAreas || {})[key]; };
    var both = function (again) {
      return Promise.all([loadData("data/areas/" + encodeURIComponent(key) + ".js", read, again), loadShared(again)]);
    };
    if (!areaFiles[key]) {
      areaFiles[key] = both().then(function (got) {
        return got[0].shared === got[1].hash ? got : both("&t=" + Date.now());
      }).then(function (got) {
        if (got[0].shared !== got[1].hash) { throw new Error("data/shared.js"); }
        return resolveArea(got[0], got[1]);
      });
      areaFiles[key].catch(function () { delete areaFiles[key]; }); // a failed load may be tried again
    }
    return areaFiles[key];
  }

  var kommuner = null;

  /* The picker's list of every municipality, loaded when someone first uses the picker. */
  function loadKommuner() {
    if (!kommuner) {
      kommuner = loadData("data/kommuner.js", function () { return window.campaignKommuner; }).then(function (data) {
        return [["national", S.national, -1, "", ["Sverige", "Sweden"]]].concat(data.kommuner).map(entry);
        function entry(k) {
          var names = [k[1]].concat(k[4] || []);
          return {key: k[0], name: k[1], lan: k[2] < 0 ? "" : data.lans[k[2]], code: k[3] || "",
            names: names.map(fold), loose: names.map(loose), words: words(names)};
        }
      });
    }
    return kommuner;
  }

  function handleText(platform, handle) {
    var info = config.platforms[platform];
    return info && info.tags && handle.charAt(0) !== "@" ? "@" + handle : handle;
  }

  function renderTip(area) {
    var body = document.getElementById("tip-body");
    body.textContent = "";
    var send = document.getElementById("send-text");
    if (send) { send.textContent = area.level === "kommun" ? fmt("send_text", {name: area.name}) : S.send_text_national; }
    var link = document.getElementById("direct-link");
    if (link) {
      var path = area.level === "kommun" ? "kommun/" + area.key + "/" : "";
      link.href = config.pageUrl ? config.pageUrl.replace(/\/?$/, "/") + path : config.root + path + "index.html";
      link.textContent = config.pageUrl ? link.href : area.level === "kommun" ? fmt("direct_link", {name: area.name}) : S.send_fallback;
    }
    if (area.level !== "kommun") {
      body.appendChild(el("p", {}, S.tip_national));
      return;
    }
    if (!area.mentions.length) {
      body.appendChild(el("p", {}, fmt("tip_none", {name: area.name})));
      return;
    }
    body.appendChild(el("p", {}, fmt("tip_kommun", {name: area.name})));
    if (config.question) { body.appendChild(el("p", {"class": "question"}, fmt("ask", {question: config.question.replace("{kommun}", area.name)}))); }
    var ul = body.appendChild(el("ul", {"class": "mentions"}));
    area.mentions.forEach(function (m) {
      var li = ul.appendChild(el("li"));
      li.appendChild(el("strong", {}, m.name));
      if (m.role) { li.appendChild(document.createTextNode(", " + m.role)); }
      Object.keys(m.handles).sort().forEach(function (p) {
        li.appendChild(document.createTextNode(" "));
        var text = platformName(p) + ": " + handleText(p, m.handles[p]);
        var url = (m.profiles || {})[p];
        li.appendChild(url && /^https:\/\//.test(url) ? el("a", {"class": "handle", href: url}, text) : el("span", {"class": "handle"}, text));
      });
    });
  }

  function renderFigures(area) {
    var ul = document.getElementById("figures");
    ul.textContent = "";
    area.figures.forEach(function (f) {
      var li = ul.appendChild(el("li", {"data-figure": f.id}));
      li.appendChild(el("span", {"class": "big"}, f.value));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", {"class": "statement"}, f.statement));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", {"class": "where"}, f.where + " · " + S.source + ": " + f.source));
    });
  }

  function partLabel(ta, key) {
    var panel = ta.closest(".panel");
    var total = panel.querySelectorAll("textarea.post").length;
    var n = Array.prototype.indexOf.call(panel.querySelectorAll("textarea.post"), ta) + 1;
    var values = {topic: topicOf(ta), platform: platformName(panel.dataset.platform), n: n, total: total};
    return total > 1 && key === "copy_label" ? fmt("copy_part_label", values) : fmt(key, values) + (total > 1 && key === "post_text" ? ", " + fmt("part", values) : "");
  }

  function addBar(part) {
    var ta = part.querySelector("textarea");
    if (!ta.id) {
      var panel = part.closest(".panel");
      ta.id = "t-" + panel.id.slice(2) + "-" + (Array.prototype.indexOf.call(panel.querySelectorAll(".part"), part) + 1);
    }
    var old = part.querySelector(".bar");
    if (old) { old.remove(); } // a saved page already has its bars: build them again, never twice
    part.querySelectorAll(".kept").forEach(function (k) { k.remove(); }); // its box holds the saved text, not the edit
    var bar = part.appendChild(el("div", {"class": "bar"}));
    // Read with the text (aria-describedby); crossing the limit is announced in the live region.
    bar.appendChild(el("span", {"class": "counter", id: "c-" + ta.id}));
    ta.setAttribute("aria-describedby", "c-" + ta.id);
    ta.setAttribute("aria-label", partLabel(ta, "post_text"));
    bar.appendChild(el("button", {type: "button", "class": "copy", "aria-label": partLabel(ta, "copy_label")}, S.copy));
    ta.dataset.original = ta.dataset.original === undefined ? ta.defaultValue : ta.dataset.original;
  }

  function makePart(cardId, platform, n, text) {
    var part = el("div", {"class": "part"});
    var ta = part.appendChild(el("textarea", {id: "t-" + cardId + "-" + platform + "-" + n, "class": "post", rows: "3"}));
    ta.defaultValue = text; // the text in the HTML too: a page saved from the browser keeps it
    ta.value = text;
    return part;
  }

  /* Turn the server-rendered card (one section per platform) into tabs with counters, copy and share. */
  function enhanceCard(card) {
    var panels = card.querySelectorAll(".panel");
    if (!panels.length) { return; }
    var old = card.querySelector(".tabs");
    if (old) { old.remove(); } // a saved page: its tabs are rebuilt, not doubled
    var list = el("div", {"class": "tabs", role: "tablist", "aria-label": fmt("tabs_label", {topic: card.dataset.topic})});
    panels[0].parentNode.insertBefore(list, panels[0]);
    panels.forEach(function (panel, i) {
      var platform = panel.dataset.platform;
      var tab = list.appendChild(el("button", {type: "button", role: "tab", id: "tab-" + panel.id, "aria-controls": panel.id,
        "aria-selected": i === 0 ? "true" : "false", tabindex: i === 0 ? "0" : "-1", "data-platform": platform},
        platformName(platform)));
      var heading = panel.querySelector(".platform-name");
      if (heading) { heading.remove(); }
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.hidden = i !== 0;
      panel.dataset.step = "0";
      panel.querySelectorAll(".part").forEach(addBar);
      panel.querySelectorAll("textarea").forEach(function (t) { updateCounter(t, true); });
      buildShare(panel);
    });
    card.querySelectorAll(".images figure").forEach(addAlt);
    foldCard(card);
  }

  /* "Du har ändrat texten, så den är kvar." with a button that puts the area's text back (reset). */
  function keptNote(part, areaName, reset) {
    var kept = el("p", {"class": "kept", role: "status"}, S.kept_edit + " ");
    var button = kept.appendChild(el("button", {type: "button", "class": "link reset"}, fmt("reset_to", {name: areaName})));
    button.addEventListener("click", function () { kept.remove(); reset(); });
    part.insertBefore(kept, part.querySelector(".bar"));
  }

  function edited(ta) { return ta.value !== ta.dataset.original; }

  /* Put an area's text in a box, unless the person has edited it: then the edit stays, and says so. */
  function setText(ta, text, areaName) {
    var part = ta.closest(".part");
    var old = part.querySelector(".kept");
    if (old) { old.remove(); }
    if (edited(ta) && text !== ta.value) {
      keptNote(part, areaName, function () {
        ta.value = text;
        ta.dataset.original = text;
        updateCounter(ta, true);
        ta.focus();
      });
      ta.defaultValue = text;
      ta.dataset.original = text;
      return;
    }
    ta.defaultValue = text;
    ta.value = text;
    ta.dataset.original = text;
  }

  function renderPanel(panel, cardId, post, areaName) {
    panel.dataset.limit = String(post.limit);
    panel.dataset.link = post.link || "";
    panel.dataset.step = "0";
    var box = panel.querySelector(".parts");
    var areas = box.querySelectorAll("textarea");
    var build = function () {
      box.textContent = "";
      if (post.parts.length > 1) { box.appendChild(el("p", {"class": "thread-hint"}, fmt("thread_hint", {total: post.parts.length}))); }
      post.parts.forEach(function (text, i) { box.appendChild(makePart(cardId, panel.dataset.platform, i + 1, text)); });
      box.querySelectorAll(".part").forEach(addBar);
    };
    var changed = Array.prototype.filter.call(areas, edited);
    if (areas.length === post.parts.length) {
      post.parts.forEach(function (text, i) { setText(areas[i], text, areaName); });
    } else if (changed.length) {
      // Another number of parts here (a thread in one kommun, one post in another): the edited boxes
      // stay as they are, and say so; the button puts this area's parts in their place.
      box.querySelectorAll(".kept").forEach(function (k) { k.remove(); });
      keptNote(changed[0].closest(".part"), areaName, function () {
        build();
        finish();
        box.querySelector("textarea").focus();
      });
    } else {
      build();
    }
    function finish() {
      box.querySelectorAll("textarea").forEach(function (t) { updateCounter(t, true); });
      buildShare(panel);
    }
    finish();
  }

  /* images: {alt, preview (index into files), files: [[file, label, width, height], …]} or absent */
  function renderImages(card, images) {
    var box = card.querySelector(".images");
    var level = card.classList.contains("featured") ? 3 : 4;
    if (box) { box.remove(); }
    if (!images) { return; }
    box = card.querySelector(".card-body").appendChild(el("div", {"class": "images"}));
    box.appendChild(el("h" + level, {"class": "images-title"}, S.images));
    var preview = images.files[images.preview];
    var fig = box.appendChild(el("figure"));
    fig.appendChild(el("img", {src: config.root + "images/" + preview[0], alt: images.alt, width: preview[2],
      height: preview[3], loading: "lazy", decoding: "async"}));
    var cap = fig.appendChild(el("figcaption"));
    var p = cap.appendChild(el("p", {"class": "downloads"}, S.download + ":"));
    images.files.forEach(function (f) {
      p.appendChild(document.createTextNode(" "));
      p.appendChild(el("a", {href: config.root + "images/" + f[0], download: ""}, f[1] + " (" + f[2] + "×" + f[3] + ")"));
    });
    addAlt(fig);
  }

  /* A page's folded messages come without their posts (the HTML holds the first message's; the 290 kommun
     pages would weigh 290 times the rest): one panel per platform, in the page's order, filled by renderPanel. */
  function buildPanels(card, data) {
    var body = card.querySelector(".card-body");
    var hint = body.querySelector(".shell-note"); // where the texts are without script (the printable kit)
    if (hint) { hint.remove(); }
    config.order.forEach(function (platform) {
      if (!data.posts[platform]) { return; }
      body.appendChild(el("section", {"class": "panel", id: "p-" + card.dataset.message + "-" + platform, "data-platform": platform,
        "data-limit": String(data.posts[platform].limit)})).appendChild(el("div", {"class": "parts"}));
    });
    card.classList.remove("shell", "failed");
  }

  function renderCards(area) {
    var built = false;
    document.querySelectorAll(".card").forEach(function (card) {
      var data = area.cards[card.dataset.message];
      if (!data) { return; }
      var shell = card.classList.contains("shell");
      if (shell) { buildPanels(card, data); }
      renderImages(card, data.images); // first: the share buttons look for the card's image
      card.querySelectorAll(".panel").forEach(function (panel) {
        var post = data.posts[panel.dataset.platform];
        if (post) { renderPanel(panel, card.dataset.message, post, area.name); }
      });
      if (shell) { enhanceCard(card); built = true; }
    });
    if (built) {
      var saved = store(STORE_PLATFORM);
      if (saved && config.platforms[saved]) { selectPlatform(saved, null); }
      openFromHash(location.hash);
    }
  }

  /* The folded messages, from the page's own data file. */
  function fillShells() {
    if (!document.querySelector(".card.shell")) { return; }
    var key = config.area;
    loadArea(key).then(function (area) {
      if (current.key === key) { renderCards(area); }
    }, function () {
      var status = document.getElementById("picker-status");
      if (status) { status.textContent = fmt("load_failed", {name: document.getElementById("area-name").textContent}); }
      // the folded messages could not be built: each shows its way to the printable kit again
      document.querySelectorAll(".card.shell").forEach(function (card) { card.classList.add("failed"); });
    });
  }

  function areaLabel(area) { return area.level === "kommun" ? area.name : S.national; }

  function applyArea(area) {
    document.getElementById("area-name").textContent = areaLabel(area);
    renderTip(area);
    renderFigures(area);
    renderCards(area);
    main.dataset.area = area.key; // a page saved now re-opens showing this area
    var kit = document.querySelector('.foot a[href$="kit.html"]');
    if (kit) { kit.href = config.root + (area.level === "kommun" ? "kommun/" + area.key + "/" : "") + "kit.html"; }
    current = {key: area.key, name: area.name};
    document.title = document.title.split(" – ")[0] + (area.level === "kommun" ? " – " + area.name : "");
  }

  function choose(key, name) {
    var status = document.getElementById("picker-status");
    status.textContent = fmt("loading", {name: name});
    return loadArea(key).then(function (area) {
      applyArea(area);
      status.textContent = "";
      var hash = key === config.area ? "" : "#kommun=" + key;
      if (location.hash !== hash && !(hash === "" && location.hash === "")) {
        try { history.replaceState(null, "", location.pathname + location.search + hash); } catch (e) { location.hash = hash; }
      }
    }, function () {
      status.textContent = fmt("load_failed", {name: name});
    });
  }

  /* ---- the picker: a combobox that forgives like `campaign registry find` ---- */

  function fold(text) {
    return text.normalize("NFC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  }

  function loose(text) {
    return fold(text).replace(/ø/g, "o").replace(/æ/g, "ae").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function words(names) {
    var out = [];
    names.forEach(function (n) { n.split(/[\s\-\u2013]+/).forEach(function (w) { if (w && w !== n) { out.push(loose(w)); } }); });
    return out;
  }

  /* Optimal string alignment distance: an insertion, deletion, substitution or swap costs 1. */
  function distance(a, b) {
    var d = [];
    for (var i = 0; i <= a.length; i++) { d.push([i]); }
    for (var j = 1; j <= b.length; j++) { d[0][j] = j; }
    for (i = 1; i <= a.length; i++) {
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) { d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1); }
      }
    }
    return d[a.length][b.length];
  }

  /* The typed text and its forms without "kommun", "stad", "Region" (and a genitive s): "Göteborgs stad". */
  function queryForms(typed) {
    var forms = [typed];
    var stripped = typed.replace(/^\s*region\s+/i, "").replace(/\s+(kommun|stad)\s*$/i, "");
    if (stripped !== typed && stripped.trim()) {
      forms.push(stripped);
      if (/\s(kommun|stad)\s*$/i.test(typed) && /s\s*$/.test(stripped)) { forms.push(stripped.replace(/s\s*$/, "")); }
    }
    return forms;
  }

  /* How well an entry matches (lower is better; -1 not at all): code, exact name, loose name,
     beginning, word, anywhere in the name, then a near spelling ("upsala", "götebrog"). */
  function score(e, typed) {
    var digits = typed.replace(/\s+/g, "");
    if (/^\d+$/.test(digits)) {
      if (!e.code) { return -1; }
      if (digits.length <= 4 && e.code === ("0000" + digits).slice(-4)) { return 0; }
      return e.code.indexOf(digits) === 0 ? 1 : -1;
    }
    var best = -1;
    queryForms(typed).forEach(function (form) {
      var f = fold(form), q = loose(form);
      if (!q) { return; }
      var s = -1;
      if (e.names.indexOf(f) !== -1) { s = 0; }
      else if (e.loose.indexOf(q) !== -1) { s = 1; }
      else if (e.names.some(function (n) { return n.indexOf(f) === 0; })) { s = 2; }
      else if (e.loose.some(function (n) { return n.indexOf(q) === 0; })) { s = 3; }
      else if (e.words.some(function (w) { return w.indexOf(q) === 0; })) { s = 4; }
      else if (q.length >= 3 && e.loose.some(function (n) { return n.indexOf(q) !== -1; })) { s = 5; }
      else if (q.length >= 4) {
        var allowed = q.length >= 7 ? 2 : 1;
        var near = Math.min.apply(null, e.loose.concat(e.words).map(function (n) {
          // the whole name, or its beginning as long as what was typed (someone still typing)
          return Math.min(distance(q, n), distance(q, n.slice(0, q.length)) + (n.length > q.length ? 0 : 9));
        }));
        if (near <= allowed) { s = 6 + near; }
      }
      if (s !== -1 && (best === -1 || s < best)) { best = s; }
    });
    return best;
  }

  function initPicker() {
    var input = document.getElementById("kommun-input");
    var list = document.getElementById("kommun-list");
    var status = document.getElementById("picker-status");
    var entries = null;
    var shown = [];
    var active = -1;
    var closing = 0;
    input.disabled = false;
    if (current.key !== "national") { input.value = document.getElementById("area-name").textContent; }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function setActive(i) {
      var items = list.children;
      if (active >= 0 && items[active]) { items[active].setAttribute("aria-selected", "false"); }
      active = i;
      if (i >= 0 && items[i]) {
        items[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", items[i].id);
        items[i].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant"); // never point at an option that is gone
      }
    }

    function filter(event, showAll) {
      window.clearTimeout(closing); // a blur just before a new search must not close the new list
      if (!entries) {
        loadKommuner().then(function (all) { entries = all; filter(event, showAll); },
          function () { status.textContent = fmt("load_failed", {name: S.all_kommuner}); });
        return;
      }
      var typed = showAll ? "" : input.value.trim();
      var scored = entries.map(function (e, i) { return {e: e, s: typed ? score(e, typed) : 0, i: i}; })
        .filter(function (x) { return x.s !== -1; });
      scored.sort(function (a, b) { return a.s - b.s || a.i - b.i; });
      var fuzzy = scored.length > 0 && scored[0].s >= 6;
      shown = scored.map(function (x) { return x.e; });
      setActive(-1);
      list.textContent = "";
      // Every match is listed (the list scrolls): no cut that would hide the one someone wants.
      shown.forEach(function (e, i) {
        var li = list.appendChild(el("li", {role: "option", id: "opt-" + e.key, "aria-selected": "false", "data-key": e.key}, e.name));
        if (e.lan) { li.appendChild(el("span", {"class": "lan"}, " " + e.lan)); }
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
        li.addEventListener("click", function () { pick(i); });
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      setActive(shown.length && typed ? 0 : -1);
      var municipalities = shown.filter(function (e) { return e.key !== "national"; }).length;
      // "1 kommun", "3 kommuner": the count is of municipalities ("Hela landet" is no kommun)
      var counted = municipalities === 1 ? S.kommuner_1 : fmt("kommuner_n", {n: municipalities});
      status.textContent = !shown.length ? S.picker_none : fmt(fuzzy ? "picker_fuzzy" : "picker_count", {count: counted});
    }

    function pick(i) {
      var e = shown[i];
      if (!e) { return; }
      input.value = e.key === "national" ? "" : e.name;
      close();
      choose(e.key, e.name);
    }

    input.addEventListener("input", filter);
    input.addEventListener("focus", function () {
      input.select();
      filter(null, true);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { filter(); }
        setActive(Math.min(active + 1, list.children.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        if (!list.hidden && shown.length && (active >= 0 || input.value.trim())) { event.preventDefault(); pick(Math.max(active, 0)); }
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { closing = window.setTimeout(close, 150); });
  }

  /* ---- the area in the address: #kommun=uppsala, followed while the tab is open ---- */

  /* On load only an address that names an area counts (a saved page shows what it showed);
     later, an emptied hash goes back to the page's own area. */
  function followAddress(initial) {
    var m = /^#kommun=([a-z0-9-]+)$/.exec(location.hash) || /[?&]kommun=([a-z0-9-]+)(?:&|$)/.exec(location.search);
    var key = m ? m[1] : !initial && /^#?$/.test(location.hash) ? config.area : null;
    if (!key || key === current.key) { return; }
    loadKommuner().then(function (all) {
      var entry = all.filter(function (e) { return e.key === key; })[0];
      if (entry) {
        document.getElementById("kommun-input").value = entry.key === "national" ? "" : entry.name;
        choose(entry.key, entry.name);
      }
    });
  }

  /* ---- start ---- */

  function init() {
    document.documentElement.classList.add("js");
    document.querySelectorAll(".card").forEach(enhanceCard);
    initSend();
    document.addEventListener("input", function (event) {
      if (event.target.matches && event.target.matches("textarea.post")) { updateCounter(event.target); }
    });
    document.addEventListener("click", function (event) {
      var copyButton = event.target.closest("button.copy:not(.copy-link)");
      if (copyButton) { copy(copyButton); return; }
      var altButton = event.target.closest(".copy-alt");
      if (altButton) { copyAlt(altButton); return; }
      var tab = event.target.closest('[role="tab"]');
      if (tab) { selectPlatform(tab.dataset.platform, tab.closest(".card")); return; }
      var dl = event.target.closest(".downloads a");
      if (dl) { onDownload(event, dl); return; }
      var foldButton = event.target.closest("button.fold");
      if (foldButton) { openCard(cardOf(foldButton), foldButton.getAttribute("aria-expanded") !== "true"); return; }
      var jump = event.target.closest('a[href^="#msg-"]');
      if (jump) { openFromHash(jump.getAttribute("href")); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.target.closest && event.target.closest('[role="tablist"]')) { onTabKey(event); }
    });
    var resizing = 0;
    window.addEventListener("resize", function () {
      window.clearTimeout(resizing);
      resizing = window.setTimeout(function () { document.querySelectorAll("textarea.post").forEach(fit); }, 150);
    });
    window.addEventListener("hashchange", function () {
      if (!openFromHash(location.hash)) { followAddress(false); }
    });
    initMastodonDialog();
    initPicker();
    var saved = store(STORE_PLATFORM);
    if (saved && config.platforms[saved]) { selectPlatform(saved, null); }
    var target = openFromHash(location.hash);
    if (target) { target.scrollIntoView(); } else { followAddress(true); }
    fillShells();
  }

  init();
}());
