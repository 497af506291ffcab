// build/server.js, what `npm start` runs (copied there by scripts/build-server.mjs): loads the
// server, build/server.cjs, as Node's CommonJS loader would, but with V8's code cache.
//
// Why: reading and compiling the 5 MB bundle was 40% of a start's CPU before /healthz answered
// (docs/architecture.md, "Start"). V8 can keep what it compiled (build/server.cjs.cache) and
// take it back on the next start instead of compiling again. `npm run build` starts the server
// once and writes the cache as it stops; a start that finds none for this build (or one V8
// refused: another Node) writes one a few seconds in. Where build/ is not writable, every start
// compiles, as before.
import fs from "node:fs";
import Module from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const file = fileURLToPath(new URL("./server.cjs", import.meta.url));
// V8 checks a cache against the source's length only: the name says which build it is of.
const { size, mtimeMs } = fs.statSync(file);
const cacheFile = `${file}.${size}-${Math.round(mtimeMs)}.cache`;
/** Long enough for the start and a first request to have compiled what they use. */
const WRITE_CACHE_AFTER_MS = 5_000;

// latin1: the bundle is ASCII (the build escapes the rest), and this decoding is a plain copy.
const source = fs.readFileSync(file, "latin1");
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// Under --enable-source-maps Node maps frames only of files its own loader compiled, through the
// map it found then: compiling the bundle's last line (its sourceMappingURL comment) as a module
// of the same name hands Node the map, and frames of the vm.Script below map through it.
const mapComment = source.lastIndexOf("\n//# sourceMappingURL=");
if (process.sourceMapsEnabled && mapComment >= 0) new Module(file)._compile(source.slice(mapComment + 1), file);
// The bundle has no import(): a script's import() callback does not survive the code cache.
// columnOffset: the wrapper sits on the bundle's first line, whose columns the map counts without it.
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData, columnOffset: -Module.wrapper[0].length });

if (process.env.WRITE_CODE_CACHE_ON_EXIT === "1") {
  // The build's warm-up start (scripts/build-server.mjs): the cache every start will use.
  process.once("exit", writeCache);
} else if (cachedData === undefined || script.cachedDataRejected) {
  setTimeout(writeCache, WRITE_CACHE_AFTER_MS).unref();
}
cachedData = undefined; // V8 has taken what it needs: 3 MB less for the life of the process

const bundle = new Module(file, undefined);
bundle.filename = file;
bundle.paths = Module._nodeModulePaths(path.dirname(file));
bundle.loaded = true;
const compiled = script.runInThisContext();
compiled.call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, path.dirname(file));

function writeCache() {
  const temporary = `${cacheFile}.${process.pid}`;
  try {
    fs.writeFileSync(temporary, script.createCachedData());
    // Another instance may be writing its own: each renames a whole file into place.
    fs.renameSync(temporary, cacheFile);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}
