// Bundles server/index.ts and the Remix build (build/index.js) into one CommonJS file,
// build/server.cjs, with the packages they use at start; build/server.js, what `npm start` runs,
// only requires it. `--watch` rebuilds on every change (npm run dev).
//
// Why one file: a start used to load some 560 files one by one (resolving each, the CommonJS
// loader, compiling each ES module, cjs-module-lexer scanning react-dom's 1 MB development build
// for the names an ES module imports from it), about 0.9 s of CPU before /healthz answered. One
// file is read and compiled once. CommonJS rather than an ES module because Node 20 decodes an
// ES module's source with TextDecoder, several times slower than the CommonJS loader's read.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { build, context } from "esbuild";

const isWatching = process.argv.includes("--watch");

// Left to node_modules, loaded when first used (docs/architecture.md, "Start"): bundling them
// would make every start parse them. sqlite3 is native (its binding is found beside its files);
// bufferutil and utf-8-validate are ws's optional native helpers; undici and @remix-run/web-fetch
// only serve @remix-run/node's installGlobals, which Gotong never calls (Node 20 has fetch).
const LOADED_FROM_NODE_MODULES =
  /^(docx|mammoth|jszip|@xmldom\/xmldom|@tiptap\/html|happy-dom|pg|ioredis|nodemailer|sqlite3|bufferutil|utf-8-validate|undici|@remix-run\/web-fetch)(\/|$)/;

const plugins = [
  {
    name: "gotong-server",
    setup(build) {
      // server/index.ts imports the Remix build under the name Remix's classic compiler gives a
      // custom server (typed by @remix-run/dev/server-build.d.ts).
      build.onResolve({ filter: /^@remix-run\/dev\/server-build$/ }, () => ({
        path: new URL("../build/index.js", import.meta.url).pathname,
      }));
      build.onResolve({ filter: /^[^./]/ }, (args) =>
        LOADED_FROM_NODE_MODULES.test(args.path) ? { path: args.path, external: true } : undefined,
      );
    },
  },
];

// Base64 VLQ, the encoding of a source map's mappings.
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function decodeSegment(text) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeSegment(values) {
  let text = "";
  for (const signed of values) {
    let value = signed < 0 ? (-signed << 1) | 1 : signed << 1;
    do {
      const digit = value & 31;
      value >>>= 5;
      text += BASE64[value > 0 ? digit | 32 : digit];
    } while (value > 0);
  }
  return text;
}

/**
 * The source map keeps only the server's own TypeScript files: under --enable-source-maps (the
 * tests and the bench run so) Node reads the whole map at start and builds an object per mapped
 * position at the first stack trace. With the packages' 1,000 files it was 10 MB, about a second
 * of CPU and 140 MB of memory; the Remix build (build/index.js, mapped onto itself, no
 * information) was 85,000 of the remaining 120,000 positions, some 20 MB. Frames in those name
 * their function and a line of build/server.cjs.
 */
function keepOwnSources(file) {
  const map = JSON.parse(fs.readFileSync(file, "utf8"));
  const newIndex = map.sources.map(() => -1);
  const sources = [];
  map.sources.forEach((source, index) => {
    if (!source.includes("node_modules/") && source !== "index.js") newIndex[index] = sources.push(source) - 1;
  });
  const state = { source: 0, line: 0, column: 0, name: 0 };
  const written = { source: 0, line: 0, column: 0, name: 0 };
  const mappings = map.mappings.split(";").map((line) => {
    let generatedColumn = 0;
    let writtenColumn = 0;
    let isAfterMapped = false;
    const segments = [];
    for (const text of line ? line.split(",") : []) {
      const [column, source, sourceLine, sourceColumn, name] = decodeSegment(text);
      generatedColumn += column;
      const values = [generatedColumn - writtenColumn];
      if (source !== undefined) {
        state.source += source;
        state.line += sourceLine;
        state.column += sourceColumn;
        if (name !== undefined) state.name += name;
        const kept = newIndex[state.source];
        if (kept >= 0) {
          values.push(kept - written.source, state.line - written.line, state.column - written.column);
          Object.assign(written, { source: kept, line: state.line, column: state.column });
          if (name !== undefined) {
            values.push(state.name - written.name);
            written.name = state.name;
          }
        }
      }
      // A package's code is left unmapped: one segment without a source ends the mapped one
      // before it, and those after it add nothing.
      const isMapped = values.length > 1;
      if (!isMapped && !isAfterMapped) continue;
      segments.push(encodeSegment(values));
      writtenColumn = generatedColumn;
      isAfterMapped = isMapped;
    }
    return segments.join(",");
  });
  fs.writeFileSync(file, JSON.stringify({ version: 3, sources, mappings: mappings.join(";"), names: map.names }));
}

const options = {
  entryPoints: ["server/index.ts"],
  outfile: "build/server.cjs",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  plugins,
  // React, react-dom and Remix choose their development or production build by NODE_ENV: decided
  // here, as Remix decides it for the browser's bundle, so the other is not even parsed.
  define: {
    "process.env.NODE_ENV": JSON.stringify(isWatching ? "development" : "production"),
    "import.meta.url": "__gotongModuleUrl",
  },
  banner: { js: 'const __gotongModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  // import() of the packages loaded when first used becomes require(): V8 loses the host's
  // import() callback for code taken from a code cache (scripts/server-entry.mjs), and each of
  // them has a CommonJS build.
  supported: { "dynamic-import": false },
  // The production bundle is minified but for names (functions keep theirs in stack traces):
  // 3.9 MB instead of 5.7, and a start reads, decodes and takes V8's code cache for less
  // (A/B of the two builds, an empty database: /healthz ~385 -> ~370 ms, RSS 96 -> 91 MB). Frames map
  // back to server/ and app/ under --enable-source-maps (scripts/server-entry.mjs); lineLimit
  // keeps the lines short enough to open at a frame's line otherwise.
  minifyWhitespace: !isWatching,
  minifySyntax: !isWatching,
  lineLimit: isWatching ? 0 : 500,
  sourcemap: true,
  sourcesContent: false,
  logLevel: "warning",
};

// What `npm start` runs: an ES module (package.json's "type") that loads the bundle as CommonJS
// with V8's code cache (scripts/server-entry.mjs); importing the bundle instead would have
// cjs-module-lexer scan all of it for export names.
fs.mkdirSync("build", { recursive: true });
fs.rmSync("build/server.js.map", { force: true });
fs.writeFileSync(
  "build/server.js",
  `// Written by scripts/build-server.mjs from scripts/server-entry.mjs.\n${fs.readFileSync("scripts/server-entry.mjs", "utf8")}`,
);

/**
 * Escapes the non-ASCII characters esbuild's ASCII output leaves in comments and regular
 * expressions (an arrow in a kysely doc comment, curly quotes in a Tiptap input rule). One such
 * character makes V8 hold the bundle's source, which it keeps for lazy compiling, as a two-byte
 * string: 11 MB of heap instead of 5.5. `\uXXXX` means the same character in a string, a
 * template and a regular expression, and is left alone in a comment; comments and literals carry
 * no mapped positions after these characters on their line.
 */
function escapeNonAscii(file) {
  const source = fs.readFileSync(file, "utf8");
  const escaped = source.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (escaped !== source) fs.writeFileSync(file, escaped);
}

const afterBuild = {
  name: "after-build",
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length > 0) return;
      escapeNonAscii(options.outfile);
      // Code caches of earlier builds (scripts/server-entry.mjs) are of no more use.
      for (const name of fs.readdirSync("build")) if (/^server\.cjs\..*\.cache$/.test(name)) fs.rmSync(`build/${name}`, { force: true });
      keepOwnSources(`${options.outfile}.map`);
    });
  },
};
options.plugins.push(afterBuild);

/**
 * Starts the built server on a throwaway SQLite file twice: the first start migrates it and seeds
 * the demo plan; the second, as a restart does, finds it ready, answers /healthz and the sign-in
 * page, and as it stops writes V8's code cache for the bundle (scripts/server-entry.mjs), so that
 * every start after the build, the first included, uses it. It holds what a restart compiles: not
 * the migrations and the demo seed (and the editor code the seed runs), which were a tenth of it
 * for every start to read back (2.8 -> 2.5 MB; an empty database, 3 x 9 starts alternated: healthy
 * ~10 ms sooner, 0.5 MB less). If this fails the build still stands; starts then compile and
 * write the cache themselves.
 */
async function warmCodeCache() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gotong-warm-up-"));
  try {
    await startAndStop(dir, {}, []);
    await startAndStop(dir, { WRITE_CODE_CACHE_ON_EXIT: "1" }, ["/login"]);
    if (!fs.readdirSync("build").some((name) => /^server\.cjs\..*\.cache$/.test(name))) throw new Error("no cache was written");
  } catch (error) {
    console.warn(`build-server: no code cache for the server (${error.message}); each start will compile it until one writes it`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts build/server.js on `dir`'s SQLite file, waits for /healthz, asks `pages`, and stops it. */
async function startAndStop(dir, extraEnv, pages) {
  const port = await new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const env = { ...process.env, NODE_ENV: "production", PORT: String(port), DATABASE_PATH: path.join(dir, "warm-up.db") };
  for (const name of ["DATABASE_URL", "REDIS_URL", "SMTP_URL", "NODE_OPTIONS"]) delete env[name];
  const child = spawn(process.execPath, ["build/server.js"], { env: { ...env, ...extraEnv }, stdio: "ignore" });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (healthy) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error("the server did not become healthy");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const page of pages) await fetch(`http://127.0.0.1:${port}${page}`).then((r) => r.text());
    child.kill("SIGTERM");
    await exited;
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
}

if (isWatching) {
  await (await context(options)).watch();
} else {
  await build(options);
  await warmCodeCache();
}
