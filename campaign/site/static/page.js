/* The activist page: platform tabs, live counters, copy, share, the
   municipality picker. Reads its data from the page's JSON block and from
   data/areas/<key>.js files; builds every element with textContent, never
   with HTML strings, so campaign text can only ever show as text. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("page-config").textContent);
  var S = config.strings;
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

  function fmt(key, values) {
    return S[key].replace(/\{(\w+)\}/g, function (_m, name) { return String(values[name]); });
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

  /* ---- counters ---- */

  function fit(textarea) {
    if (textarea.offsetParent === null) { return; } // hidden: sized when its tab is shown
    textarea.style.height = "0px"; // so that scrollHeight is the text's own height, not the rows'
    textarea.style.height = (textarea.scrollHeight + 2) + "px";
  }

  function updateCounter(textarea) {
    fit(textarea);
    var panel = textarea.closest(".panel");
    var platform = panel.dataset.platform;
    // Every rule the composer holds the post to (count.js check: length, bytes, hashtag and link caps).
    var c = count.check(textarea.value, platform, parseInt(panel.dataset.limit, 10));
    var out = textarea.parentNode.querySelector(".counter");
    var text = fmt("counter", {n: c.length, limit: c.limit});
    if (c.over > 0) { text += " – " + fmt("counter_over", {over: c.over}); }
    if (c.maxBytes && c.bytes > c.maxBytes) { text += " – " + fmt("counter_bytes", {bytes: c.bytes, max: c.maxBytes}); }
    if (c.maxHashtags !== null && c.hashtags > c.maxHashtags) { text += " – " + fmt("counter_hashtags", {over: c.hashtags - c.maxHashtags, max: c.maxHashtags}); }
    if (c.maxLinks !== null && c.links > c.maxLinks) { text += " – " + fmt("counter_links", {over: c.links - c.maxLinks, max: c.maxLinks}); }
    if (c.refused) { text += " – " + S.counter_refused; }
    out.textContent = text;
    out.classList.toggle("over", !c.fits);
    updateShare(panel);
  }

  /* The text to hand over (copy, share): for Bluesky with its links written out in full, which the
     app shortens back to the text shown (a pasted short form would be a broken link). */
  function handOver(panel, text) {
    return panel.dataset.platform === "bluesky" ? count.bskyFull(text, panel.dataset.link ? [panel.dataset.link] : []) : text;
  }

  /* ---- copy ---- */

  /* Copy text with the Clipboard API; where it is missing or refused, select the text (select())
     and try the old copy command; when that fails too, the text stays selected for Ctrl+C. */
  function copyText(text, select, done, selected) {
    var fallback = function () {
      select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      if (ok) { done(); } else { selected(); }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  function copy(button) {
    var textarea = button.closest(".part").querySelector("textarea");
    copyText(handOver(textarea.closest(".panel"), textarea.value), function () { textarea.focus(); textarea.select(); },
      function () { flash(button, S.copied); }, function () { flash(button, S.copy, S.copy_selected); });
  }

  function flash(button, label, note) {
    button.textContent = label;
    button.classList.add("done");
    var status = button.parentNode.querySelector(".copy-note") || button.parentNode.appendChild(el("span", {"class": "copy-note", role: "status"}));
    status.textContent = note || label;
    window.setTimeout(function () { button.textContent = S.copy; button.classList.remove("done"); status.textContent = ""; }, 2500);
  }

  function addAltCopy(details) {
    details.appendChild(el("button", {type: "button", "class": "copy-alt link"}, S.copy_alt));
  }

  function copyAlt(button) {
    var text = button.parentNode.querySelector(".alt");
    var select = function () {
      var range = document.createRange();
      range.selectNodeContents(text);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    };
    copyText(text.textContent, select, function () {
      button.textContent = S.copied;
      window.setTimeout(function () { button.textContent = S.copy_alt; }, 2500);
    }, function () { button.textContent = S.copy_selected; });
  }

  /* ---- share ---- */

  function firstText(panel) {
    var t = panel.querySelector("textarea");
    return t ? handOver(panel, t.value) : "";
  }

  function shareUrl(panel) {
    var platform = panel.dataset.platform;
    if (config.platforms[platform].byLink) {
      var link = panel.dataset.link || config.pageUrl;
      return link ? INTENTS[platform] + encodeURIComponent(link) : "";
    }
    if (INTENTS[platform]) { return INTENTS[platform] + encodeURIComponent(firstText(panel)); }
    return "";
  }

  function updateShare(panel) {
    var a = panel.querySelector(".share-row a.share");
    if (a) { a.href = shareUrl(panel); }
  }

  function buildShare(panel) {
    var bars = panel.querySelectorAll(".bar");
    // In a thread the share link posts part 1, so it sits beside part 1.
    var row = panel.querySelector(".share-row") || bars[0].appendChild(el("span", {"class": "share-row"}));
    var platform = panel.dataset.platform;
    var name = config.platforms[platform].name;
    row.textContent = "";
    if (platform === "mastodon") {
      var b = el("button", {type: "button", "class": "share mastodon"}, fmt("share_on", {platform: name}));
      b.addEventListener("click", function () { shareMastodon(panel, false); });
      row.appendChild(b);
      var instance = store(STORE_MASTODON);
      if (instance) {
        var change = el("button", {type: "button", "class": "link change-instance"}, fmt("mastodon_change", {instance: instance}));
        change.addEventListener("click", function () { shareMastodon(panel, true); });
        row.appendChild(change);
      }
      return;
    }
    var url = shareUrl(panel);
    if (!url) {
      row.appendChild(el("span", {"class": "no-share"}, fmt("no_share", {platform: name})));
      return;
    }
    row.appendChild(el("a", {"class": "share", href: url, target: "_blank", rel: "noopener noreferrer"}, fmt("share_on", {platform: name})));
  }

  function cleanInstance(value) {
    var v = value.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/.*$/, "").replace(/^@?[^@\s]+@/, "");
    return /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d{1,5})?$/.test(v) ? v : "";
  }

  function mastodonUrl(instance, panel) {
    return "https://" + instance + "/share?text=" + encodeURIComponent(firstText(panel));
  }

  function shareMastodon(panel, change) {
    var instance = change ? "" : store(STORE_MASTODON);
    if (instance) {
      window.open(mastodonUrl(instance, panel), "_blank", "noopener");
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
      window.open(mastodonUrl(instance, panel), "_blank", "noopener");
    });
    document.getElementById("mastodon-cancel").addEventListener("click", function () { dialog.close(); });
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
        if (on) { panel.querySelectorAll("textarea").forEach(fit); }
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

  /* ---- areas: figures, mentions, posts, images without a reload ---- */

  /* Data files are scripts: a script loads from file:// where a fetch would not. */
  function loadData(path, read) {
    return new Promise(function (resolve, reject) {
      var s = el("script", {src: config.root + path + "?v=" + config.version});
      s.onload = function () { return read() ? resolve(read()) : reject(new Error(path)); };
      s.onerror = function () { reject(new Error(path)); };
      document.head.appendChild(s);
    });
  }

  function loadArea(key) {
    var read = function () { return (window.campaignAreas || {})[key]; };
    return read() ? Promise.resolve(read()) : loadData("data/areas/" + encodeURIComponent(key) + ".js", read);
  }

  var kommuner = null;

  /* The picker's list of every municipality, loaded when someone first uses the picker. */
  function loadKommuner() {
    if (!kommuner) {
      kommuner = loadData("data/kommuner.js", function () { return window.campaignKommuner; }).then(function (data) {
        return [["national", S.national, -1]].concat(data.kommuner).map(function (k) {
          return {key: k[0], name: k[1], lan: k[2] < 0 ? "" : data.lans[k[2]], folded: fold(k[1])};
        });
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
    if (area.level !== "kommun") {
      body.appendChild(el("p", {}, S.tip_national));
      return;
    }
    if (!area.mentions.length) {
      body.appendChild(el("p", {}, fmt("tip_none", {name: area.name})));
      return;
    }
    body.appendChild(el("p", {}, fmt("tip_kommun", {name: area.name})));
    var ul = body.appendChild(el("ul", {"class": "mentions"}));
    area.mentions.forEach(function (m) {
      var li = ul.appendChild(el("li"));
      li.appendChild(el("strong", {}, m.name));
      if (m.role) { li.appendChild(document.createTextNode(", " + m.role)); }
      Object.keys(m.handles).sort().forEach(function (p) {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", {"class": "handle"}, (config.platforms[p] ? config.platforms[p].name : p) + ": " + handleText(p, m.handles[p])));
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

  function addBar(part) {
    var ta = part.querySelector("textarea");
    var bar = part.appendChild(el("div", {"class": "bar"}));
    // Read with the text (aria-describedby), not announced on every change: an area switch updates them all.
    bar.appendChild(el("span", {"class": "counter", id: "c-" + ta.id}));
    ta.setAttribute("aria-describedby", "c-" + ta.id);
    bar.appendChild(el("button", {type: "button", "class": "copy"}, S.copy));
  }

  function makePart(cardId, platform, n, total, text) {
    var label = fmt("post_text", {platform: config.platforms[platform].name});
    if (total > 1) { label += ", " + fmt("part", {n: n, total: total}); }
    var part = el("div", {"class": "part"});
    var ta = part.appendChild(el("textarea", {id: "t-" + cardId + "-" + platform + "-" + n, "class": "post", rows: "3", "aria-label": label}));
    ta.value = text;
    addBar(part);
    return part;
  }

  /* Turn the server-rendered card (one section per platform) into tabs with counters, copy and share. */
  function enhanceCard(card) {
    var panels = card.querySelectorAll(".panel");
    if (!panels.length) { return; }
    var list = el("div", {"class": "tabs", role: "tablist", "aria-label": S.platform});
    panels[0].parentNode.insertBefore(list, panels[0]);
    panels.forEach(function (panel, i) {
      var platform = panel.dataset.platform;
      var tab = list.appendChild(el("button", {type: "button", role: "tab", id: "tab-" + panel.id, "aria-controls": panel.id,
        "aria-selected": i === 0 ? "true" : "false", tabindex: i === 0 ? "0" : "-1", "data-platform": platform},
        config.platforms[platform].name));
      var heading = panel.querySelector("h4");
      if (heading) { heading.remove(); }
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.hidden = i !== 0;
      panel.querySelectorAll(".part").forEach(addBar);
      panel.querySelectorAll("textarea").forEach(updateCounter);
      buildShare(panel);
    });
  }

  function renderPanel(panel, cardId, post) {
    panel.dataset.limit = String(post.limit);
    panel.dataset.link = post.link || "";
    var box = panel.querySelector(".parts");
    var areas = box.querySelectorAll("textarea");
    if (areas.length === post.parts.length) {
      post.parts.forEach(function (text, i) { areas[i].value = text; });
    } else {
      box.textContent = "";
      if (post.parts.length > 1) { box.appendChild(el("p", {"class": "thread-hint"}, fmt("thread_hint", {total: post.parts.length}))); }
      post.parts.forEach(function (text, i) { box.appendChild(makePart(cardId, panel.dataset.platform, i + 1, post.parts.length, text)); });
    }
    box.querySelectorAll("textarea").forEach(updateCounter);
    buildShare(panel);
  }

  /* images: {alt, preview (index into files), files: [[file, label, width, height], …]} or absent */
  function renderImages(card, images) {
    var box = card.querySelector(".images");
    if (box) { box.remove(); }
    if (!images) { return; }
    box = card.appendChild(el("div", {"class": "images"}));
    box.appendChild(el("h4", {}, S.images));
    var preview = images.files[images.preview];
    var fig = box.appendChild(el("figure"));
    fig.appendChild(el("img", {src: config.root + "images/" + preview[0], alt: images.alt, width: preview[2],
      height: preview[3], loading: "lazy", decoding: "async"}));
    var cap = fig.appendChild(el("figcaption"));
    var details = cap.appendChild(el("details"));
    details.appendChild(el("summary", {}, S.alt_text));
    details.appendChild(el("p", {"class": "alt"}, images.alt));
    addAltCopy(details);
    var p = cap.appendChild(el("p", {"class": "downloads"}, S.download + ":"));
    images.files.forEach(function (f) {
      p.appendChild(document.createTextNode(" "));
      p.appendChild(el("a", {href: config.root + "images/" + f[0], download: ""}, f[1] + " (" + f[2] + "×" + f[3] + ")"));
    });
  }

  function renderCards(area) {
    document.querySelectorAll(".card").forEach(function (card) {
      var data = area.cards[card.dataset.message];
      if (!data) { return; }
      card.querySelectorAll(".panel").forEach(function (panel) {
        var post = data.posts[panel.dataset.platform];
        if (post) { renderPanel(panel, card.dataset.message, post); }
      });
      renderImages(card, data.images);
    });
  }

  function applyArea(area) {
    document.getElementById("area-name").textContent = area.level === "kommun" ? area.name : S.national;
    var direct = document.getElementById("direct-link");
    direct.hidden = area.level !== "kommun";
    direct.href = config.root + (area.level === "kommun" ? "kommun/" + area.key + "/index.html" : "index.html");
    direct.textContent = fmt("direct_link", {name: area.name});
    renderTip(area);
    renderFigures(area);
    renderCards(area);
    document.title = document.title.split(" – ")[0] + (area.level === "kommun" ? " – " + area.name : "");
  }

  function choose(key, name) {
    var status = document.getElementById("picker-status");
    status.textContent = fmt("loading", {name: name});
    return loadArea(key).then(function (area) {
      applyArea(area);
      status.textContent = "";
      var hash = key === config.area ? "" : "#kommun=" + key;
      try { history.replaceState(null, "", location.pathname + location.search + hash); } catch (e) { location.hash = hash; }
    }, function () {
      status.textContent = fmt("load_failed", {name: name});
    });
  }

  /* ---- the picker: a combobox with diacritic-insensitive search ---- */

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[\s\-\u2013]+/g, " ").trim();
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
    if (config.area !== "national") { input.value = document.getElementById("area-name").textContent; }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(i) {
      var items = list.children;
      if (active >= 0 && items[active]) { items[active].setAttribute("aria-selected", "false"); }
      active = i;
      if (i >= 0 && items[i]) {
        items[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", items[i].id);
        items[i].scrollIntoView({block: "nearest"});
      }
    }

    function filter(event, showAll) {
      window.clearTimeout(closing); // a blur just before a new search must not close the new list
      if (!entries) {
        loadKommuner().then(function (all) { entries = all; filter(event, showAll); },
          function () { status.textContent = fmt("load_failed", {name: S.all_kommuner}); });
        return;
      }
      var q = showAll ? "" : fold(input.value);
      shown = entries.filter(function (e) { return !q || e.folded.indexOf(q) !== -1; });
      // Typed exactly ("sö") first, then the same letters without accents ("so"), then anywhere in the name.
      var typed = input.value.trim().toLowerCase();
      var rank = function (e) { return e.name.toLowerCase().indexOf(typed) === 0 ? 0 : e.folded.indexOf(q) === 0 ? 1 : 2; };
      shown.sort(function (a, b) { return rank(a) - rank(b); });
      list.textContent = "";
      shown.slice(0, 60).forEach(function (e, i) {
        var li = list.appendChild(el("li", {role: "option", id: "opt-" + e.key, "aria-selected": "false", "data-key": e.key}, e.name));
        if (e.lan) { li.appendChild(el("span", {"class": "lan"}, " " + e.lan)); }
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
        li.addEventListener("click", function () { pick(i); });
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      setActive(shown.length && q ? 0 : -1);
      status.textContent = shown.length ? fmt("picker_count", {n: shown.length}) : S.picker_none;
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

  /* ---- start ---- */

  function init() {
    document.documentElement.classList.add("js");
    document.querySelectorAll(".card").forEach(enhanceCard);
    document.querySelectorAll(".images details").forEach(addAltCopy);
    document.addEventListener("input", function (event) {
      if (event.target.matches && event.target.matches("textarea.post")) { updateCounter(event.target); }
    });
    document.addEventListener("click", function (event) {
      var copyButton = event.target.closest(".copy");
      if (copyButton) { copy(copyButton); return; }
      var altButton = event.target.closest(".copy-alt");
      if (altButton) { copyAlt(altButton); return; }
      var tab = event.target.closest('[role="tab"]');
      if (tab) { selectPlatform(tab.dataset.platform, tab.closest(".card")); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.target.closest && event.target.closest('[role="tablist"]')) { onTabKey(event); }
    });
    var resizing = 0;
    window.addEventListener("resize", function () {
      window.clearTimeout(resizing);
      resizing = window.setTimeout(function () { document.querySelectorAll("textarea.post").forEach(fit); }, 150);
    });
    initMastodonDialog();
    initPicker();
    var saved = store(STORE_PLATFORM);
    if (saved && config.platforms[saved]) { selectPlatform(saved, null); }
    var m = /^#kommun=([a-z0-9-]+)$/.exec(location.hash) || /[?&]kommun=([a-z0-9-]+)(?:&|$)/.exec(location.search);
    if (m && m[1] !== config.area) {
      loadKommuner().then(function (all) {
        var entry = all.filter(function (e) { return e.key === m[1]; })[0];
        if (entry) {
          document.getElementById("kommun-input").value = entry.key === "national" ? "" : entry.name;
          choose(entry.key, entry.name);
        }
      });
    }
  }

  init();
}());
