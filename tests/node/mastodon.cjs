// The Mastodon differential test's node side (tests/test_counters_mastodon.py): for each text of a
// JSON array on stdin, [reference, page] Mastodon lengths.
//   reference: the server's rule (app/validators/status_length_validator.rb countable_text), built
//     from the parts it runs: twitter-text's URL extractor with a scheme (npm twitter-text 3.1,
//     passing the same conformance suite as the Ruby gem the server uses), Mastodon's
//     Account::MENTION_RE with its Extractor's end_mention_match check, twitter-text's
//     removeOverlappingEntities, each URL as 23 "x" and each mention as "@user", then grapheme
//     clusters (ICU's Intl.Segmenter, as Ruby's String#grapheme_clusters); a blank text
//     (ActiveSupport's String#blank?) counts 0.
//   page: campaign/site/static/count.js (as the build writes it) mastodon(text).
// argv[2]: the built count.js. Run with NODE_PATH holding twitter-text@3.1.0.
"use strict";
const fs = require("fs");
const vm = require("vm");
const twitter = require("twitter-text");

// app/models/account.rb: USERNAME_RE = /[a-z0-9_]+([.-]+[a-z0-9_]+)*/i,
// MENTION_RE = %r{(?<![=/[:word:]])@((#{USERNAME_RE})(?:@[[:word:]]+([.-]+[[:word:]]+)*)?)};
// Onigmo's [[:word:]] is Unicode's \w (UTS #18): Alphabetic, Mark, Decimal_Number,
// Connector_Punctuation, Join_Control.
const WORD = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}";
const MENTION = new RegExp(`(?<![=/${WORD}])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[${WORD}]+(?:[.-]+[${WORD}]+)*)?`, "giu");
const BLANK = /^[\p{White_Space}]*$/u;
const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

function reference(text) {
  if (BLANK.test(text)) return 0;
  const entities = twitter.extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false })
    .map((u) => ({ indices: u.indices, placeholder: "x".repeat(23) }));
  let m;
  MENTION.lastIndex = 0;
  while ((m = MENTION.exec(text))) {
    const end = m.index + m[0].length;
    if (twitter.regexen.endMentionMatch.test(text.slice(end))) continue;
    entities.push({ indices: [m.index, end], placeholder: "@" + m[1] });
  }
  twitter.removeOverlappingEntities(entities);
  let out = "";
  let last = 0;
  for (const e of entities) {
    out += text.slice(last, e.indices[0]) + e.placeholder;
    last = e.indices[1];
  }
  out += text.slice(last);
  let n = 0;
  for (const _ of segmenter.segment(out)) n++; // eslint-disable-line no-unused-vars
  return n;
}

const sandbox = { window: {}, TextEncoder, Intl, URL };
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), sandbox);
const page = sandbox.window.campaignCount;

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map((text) => [reference(text), page.mastodon(text)]);
  process.stdout.write(JSON.stringify(out));
});
