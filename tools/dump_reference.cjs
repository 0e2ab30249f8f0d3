// Dumps what the counters need from the reference JavaScript libraries, for tools/regen_counter_data.py.
// Run with NODE_PATH pointing at a node_modules holding twitter-text@3.1.0 and @atproto/api.
// Regular expressions are written as arrays of UTF-16 code units, so that nothing is lost
// between JavaScript's strings and Python's.
"use strict";
const twitter = require("twitter-text");
const emoji = require("twemoji-parser/dist/lib/regex").default;
const util = require("@atproto/api/dist/rich-text/util");
const tlds = require("tlds");

const units = (s) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));
const re = (r) => ({ units: units(r.source), flags: r.flags });
const version = (name) => require(name + "/package.json").version;

// JavaScript's case-insensitive matching without the u flag compares Canonicalize(ch):
// toUpperCase() when that is one code unit, unless it would map a non-ASCII unit to ASCII.
const canon = {};
for (let c = 0; c < 0x10000; c++) {
  const ch = String.fromCharCode(c);
  const up = ch.toUpperCase();
  if (up.length !== 1) continue;
  const u = up.charCodeAt(0);
  if (c >= 128 && u < 128) continue;
  if (u !== c) canon[c] = u;
}

const r = twitter.regexen;
process.stdout.write(JSON.stringify({
  versions: {
    "twitter-text": version("twitter-text"),
    "twemoji-parser": version("twemoji-parser"),
    punycode: version("punycode"),
    "@atproto/api": version("@atproto/api"),
    tlds: version("tlds"),
  },
  config: twitter.configs.defaults,
  regex: {
    extractUrl: re(r.extractUrl),
    validAsciiDomain: re(r.validAsciiDomain),
    invalidUrlWithoutProtocolPrecedingChars: re(r.invalidUrlWithoutProtocolPrecedingChars),
    validTcoUrl: re(r.validTcoUrl),
    invalidChars: re(r.invalidChars),
    emoji: re(emoji),
  },
  atproto: {
    URL_REGEX: util.URL_REGEX.source,
    MENTION_REGEX: util.MENTION_REGEX.source,
    TAG_REGEX: util.TAG_REGEX.source,
    CASHTAG_REGEX: util.CASHTAG_REGEX.source,
    tlds: tlds,
  },
  canon: canon,
}));
