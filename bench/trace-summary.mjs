// Where a Chromium tab's main thread spent its time in a trace (`--only=app --trace` writes
// build/profiles/chromium-keystrokes-*.trace.json): time per event name on the renderer's main
// thread, counting only top-level events (nested ones are in their parent's time), and the
// largest of the nested ones by total time.
// node bench/trace-summary.mjs <trace.json> [rows]
import fs from "node:fs";

const [file, rowsArgument = "25"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/trace-summary.mjs <trace.json> [rows]");
  process.exit(2);
}
const trace = JSON.parse(fs.readFileSync(file, "utf8"));
const events = Array.isArray(trace) ? trace : trace.traceEvents;
const mainThreads = new Set(
  events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`),
);
const complete = events
  .filter((e) => e.ph === "X" && mainThreads.has(`${e.pid}:${e.tid}`) && typeof e.dur === "number")
  .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
const topLevel = new Map();
const nested = new Map();
let openUntil = -1;
let span = [Infinity, -Infinity];
for (const event of complete) {
  span = [Math.min(span[0], event.ts), Math.max(span[1], event.ts + event.dur)];
  if (event.ts >= openUntil) {
    topLevel.set(event.name, (topLevel.get(event.name) ?? 0) + event.dur);
    openUntil = event.ts + event.dur;
  } else nested.set(event.name, (nested.get(event.name) ?? 0) + event.dur);
}
const busy = [...topLevel.values()].reduce((sum, v) => sum + v, 0);
const rows = Number(rowsArgument);
console.log(`${file}: main thread busy ${(busy / 1000).toFixed(0)} ms of ${((span[1] - span[0]) / 1000).toFixed(0)} ms`);
console.log("--- top level");
for (const [name, micros] of [...topLevel].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
  console.log(`${(micros / 1000).toFixed(1).padStart(9)} ms  ${name}`);
}
console.log("--- nested (total)");
for (const [name, micros] of [...nested].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
  console.log(`${(micros / 1000).toFixed(1).padStart(9)} ms  ${name}`);
}
