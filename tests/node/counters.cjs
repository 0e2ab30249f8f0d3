// The differential test's node side (tests/test_counters_node.py): for each text of a JSON array
// on stdin, the reference libraries' answer and the page's own counter's answer.
//   ref.x: npm twitter-text parseTweet [weightedLength, valid]
//   ref.bsky: @atproto/api RichText after social-app's shortenLinks [graphemes, bytes, facets]
//   page.x, page.bsky: campaign/site/static/count.js (as the build writes it) [.., ..]
// argv[2]: the built count.js. Run with NODE_PATH holding twitter-text@3.1.0 and @atproto/api.
"use strict";
const fs = require("fs");
const vm = require("vm");
const twitter = require("twitter-text");
const { RichText } = require("@atproto/api");

// social-app src/lib/strings/url-helpers.ts toShortUrl and rich-text-manip.ts shortenLinks, as they are.
function toShortUrl(url) {
  try {
    const urlp = new URL(url);
    if (urlp.protocol !== "http:" && urlp.protocol !== "https:") {
      return url;
    }
    const path = (urlp.pathname === "/" ? "" : urlp.pathname) + urlp.search + urlp.hash;
    if (path.length > 15) {
      return urlp.host + path.slice(0, 13) + "...";
    }
    return urlp.host + path;
  } catch (e) {
    return url;
  }
}

// social-app shortenLinks: each link facet's visible text replaced by toShortUrl of it, the facet
// moved onto the new text. Done on bytes here: RichText.insert, which the app calls, shifts later
// facets by the inserted text's UTF-16 length instead of its bytes (a bug that only shows after a
// link with non-ASCII text) and drops a leading U+FEFF (TextDecoder), so the reference is the rule
// without those two slips; for ASCII links, as campaigns post, the app gives the same.
function shortenLinks(text) {
  const rt = new RichText({ text });
  rt.detectFacetsWithoutResolution();
  const facets = (rt.facets || []).map((f) => {
    const feature = f.features[0];
    return [f.index.byteStart, f.index.byteEnd, feature.$type.split("#")[1], feature.uri || feature.tag || feature.did || ""];
  }).sort((a, b) => a[0] - b[0]);
  let bytes = Buffer.from(text, "utf8");
  for (let i = facets.length - 1; i >= 0; i--) {
    const f = facets[i];
    if (f[2] !== "link") continue;
    const short = Buffer.from(toShortUrl(bytes.subarray(f[0], f[1]).toString("utf8")), "utf8");
    const delta = short.length - (f[1] - f[0]);
    bytes = Buffer.concat([bytes.subarray(0, f[0]), short, bytes.subarray(f[1])]);
    const [start, end] = [f[0], f[1]];
    for (const g of facets) {
      if (g === f) continue;
      // After the link: moved. Around it (a tag holding a link): stretched as RichText.insert/delete do.
      if (g[0] >= end) { g[0] += delta; g[1] += delta; } else if (g[1] >= end) { g[1] += delta; } else if (g[1] > start) { g[1] = Math.min(g[1], start + short.length); }
    }
    f[1] = f[0] + short.length;
  }
  const posted = bytes.toString("utf8");
  return { posted, graphemes: new RichText({ text: posted }).graphemeLength, bytes: bytes.length, facets };
}

const sandbox = { window: {}, TextEncoder, Intl, URL };
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), sandbox);
const page = sandbox.window.campaignCount;

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map((text) => {
    const tweet = twitter.parseTweet(text);
    const app = shortenLinks(text);
    const facets = app.facets.filter((f) => f[2] !== "mention"); // a mention needs a resolved DID; the composer facets only those it knows
    const mine = page.parseTweet(text);
    const posted = page.bskyShort(text);
    return {
      ref: { x: [tweet.weightedLength, tweet.valid], bsky: [app.graphemes, app.bytes, app.posted, facets] },
      page: { x: [mine.weightedLength, mine.valid], bsky: [page.bluesky(text), page.bytes(posted), posted] },
    };
  });
  process.stdout.write(JSON.stringify(out));
});
