// Where a server's CPU time went: self time per function in a V8 CPU profile, largest first.
// node bench/profile-summary.mjs [profile.cpuprofile] [rows]; without a file, the newest in build/profiles.
import fs from "node:fs";
import path from "node:path";

const dir = "build/profiles";
const file =
  process.argv[2] ||
  path.join(
    dir,
    fs
      .readdirSync(dir)
      .sort((a, b) => fs.statSync(path.join(dir, a)).mtimeMs - fs.statSync(path.join(dir, b)).mtimeMs)
      .at(-1),
  );
const rows = Number(process.argv[3] ?? 25);
const profile = JSON.parse(fs.readFileSync(file, "utf8"));
const timeBySample = new Map();
profile.samples.forEach((id, i) => timeBySample.set(id, (timeBySample.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const self = new Map();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = `${functionName || "(anonymous)"}  ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
  self.set(where, (self.get(where) ?? 0) + (timeBySample.get(node.id) ?? 0));
}
const busy = [...self].filter(([k]) => !k.startsWith("(idle)")).reduce((sum, [, v]) => sum + v, 0);
console.log(`${file}: ${(busy / 1000).toFixed(0)} ms busy`);
for (const [where, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
  console.log(`${(micros / 1000).toFixed(1).padStart(9)} ms  ${((micros / busy) * 100).toFixed(1).padStart(5)}%  ${where}`);
}
