// Render CSL-JSON items with citeproc-js as a CSL style prints them: one bibliography entry per
// line, plain text, in the items' order.  Usage: node render.js STYLE.csl LOCALE.xml ITEMS.json
"use strict";
const fs = require("fs");
const CSL = require("citeproc");

const [style, locale, itemsPath] = process.argv.slice(2);
const items = JSON.parse(fs.readFileSync(itemsPath, "utf8"));
const byId = Object.fromEntries(items.map((item) => [item.id, item]));
const sys = {
  retrieveLocale: () => fs.readFileSync(locale, "utf8"),
  retrieveItem: (id) => byId[id],
};
const engine = new CSL.Engine(sys, fs.readFileSync(style, "utf8"));
engine.setOutputFormat("text");
const out = [];
for (const item of items) {
  engine.updateItems([item.id]);
  const [, entries] = engine.makeBibliography();
  out.push(entries.join("").replace(/\s+/g, " ").trim());
}
process.stdout.write(out.join("\n") + "\n");
