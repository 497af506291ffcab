// Where the page's time went in a Chromium CPU profile (`npm run bench -- --only=app --profile`
// writes build/profiles/chromium-keystrokes-*.cpuprofile): self and total time per function, named
// by the source maps when the client was built with them (`npx remix build --sourcemap`).
// node bench/chromium-profile.mjs <profile> [rows] [function name: who called it, and what it called]
import fs from "node:fs";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";

const [file, rowsArgument = "40", calledName] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/chromium-profile.mjs <profile.cpuprofile> [rows] [function name]");
  process.exit(2);
}
const rows = Number(rowsArgument);
const profile = JSON.parse(fs.readFileSync(file, "utf8"));

const maps = new Map();
function sourceMap(url) {
  const match = /\/build\/(.*\.js)$/.exec(url);
  if (!match) return null;
  if (!maps.has(match[1])) {
    const mapFile = `public/build/${match[1]}.map`;
    maps.set(match[1], fs.existsSync(mapFile) ? new TraceMap(fs.readFileSync(mapFile, "utf8")) : null);
  }
  return maps.get(match[1]);
}

function nameOf(node) {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  const map = sourceMap(url);
  if (map && lineNumber >= 0) {
    const original = originalPositionFor(map, { line: lineNumber + 1, column: columnNumber });
    if (original.source) {
      const source = original.source.replace(/^.*node_modules\//, "").replace(/^.*\/app\//, "app/");
      return `${original.name || functionName || "(anonymous)"} ${source}:${original.line}`;
    }
  }
  return `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber + 1}`;
}

const selfMicros = new Map();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const names = new Map(profile.nodes.map((node) => [node.id, nameOf(node)]));

const self = new Map();
const total = new Map();
for (const node of profile.nodes) {
  const ms = (selfMicros.get(node.id) ?? 0) / 1000;
  if (!ms) continue;
  const name = names.get(node.id);
  self.set(name, (self.get(name) ?? 0) + ms);
  // Total: counted once per function on each stack, however deep it recurses.
  const seen = new Set();
  for (let id = node.id; id !== undefined; id = parentOf.get(id)) {
    const caller = names.get(id);
    if (seen.has(caller)) continue;
    seen.add(caller);
    total.set(caller, (total.get(caller) ?? 0) + ms);
  }
}
const top = (map) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .map(([name, ms]) => `${ms.toFixed(0).padStart(7)} ms  ${name}`)
    .join("\n");
console.log(`${file}\n--- self time\n${top(self)}\n--- total time (with what it called)\n${top(total)}`);

if (calledName) {
  const subtreeMs = (id) =>
    (selfMicros.get(id) ?? 0) / 1000 + (byId.get(id).children ?? []).reduce((sum, child) => sum + subtreeMs(child), 0);
  const callers = new Map();
  for (const node of profile.nodes) {
    if (!names.get(node.id).startsWith(calledName)) continue;
    const chain = [];
    for (let id = parentOf.get(node.id); id !== undefined && chain.length < 6; id = parentOf.get(id)) chain.push(names.get(id));
    const key = chain.join(" < ");
    callers.set(key, (callers.get(key) ?? 0) + subtreeMs(node.id));
  }
  console.log(`--- who called ${calledName}\n${top(callers)}`);
}

if (calledName) {
  // What the named function's time went to: each function it called, directly or deeper, counted
  // once per stack under the outermost call of the named one.
  const within = new Map();
  for (const node of profile.nodes) {
    const ms = (selfMicros.get(node.id) ?? 0) / 1000;
    if (!ms) continue;
    const stack = [];
    for (let id = node.id; id !== undefined; id = parentOf.get(id)) stack.push(names.get(id));
    const outer = stack.findLastIndex((name) => name.startsWith(calledName));
    if (outer < 0) continue;
    for (const name of new Set(stack.slice(0, outer))) within.set(name, (within.get(name) ?? 0) + ms);
  }
  console.log(`--- what ${calledName} called (total)\n${top(within)}`);
}
