// Reference counts from the official JavaScript libraries, for the composer's differential test.
// Reads a JSON array of texts on stdin; writes a JSON array of
// {x, graphemes, bytes, facets} (facets: [byteStart, byteEnd, type, value] from RichText.detectFacetsWithoutResolution).
// Run with NODE_PATH pointing at a node_modules holding twitter-text@3 and @atproto/api.
"use strict";
const twitter = require("twitter-text");
const { RichText } = require("@atproto/api");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map((text) => {
    const tweet = twitter.parseTweet(text);
    const rt = new RichText({ text });
    rt.detectFacetsWithoutResolution();
    const facets = (rt.facets || []).map((f) => {
      const feature = f.features[0];
      const type = feature.$type.split("#")[1];
      const value = feature.uri || feature.tag || feature.did || "";
      return [f.index.byteStart, f.index.byteEnd, type, value];
    }).filter((f) => f[2] !== "mention"); // mentions need a resolved DID; the composer only facets those it knows
    return { x: tweet.weightedLength, graphemes: rt.graphemeLength, bytes: rt.length, facets };
  });
  process.stdout.write(JSON.stringify(out));
});
