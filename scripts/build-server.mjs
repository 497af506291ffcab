// Bundles server/index.ts and the Remix build (build/index.js) into one CommonJS file,
// build/server.cjs, with the packages they use at start; build/server.js, what `npm start` runs,
// only requires it. `--watch` rebuilds on every change (npm run dev).
//
// Why one file: a start used to load some 560 files one by one (resolving each, the CommonJS
// loader, compiling each ES module, cjs-module-lexer scanning react-dom's 1 MB development build
// for the names an ES module imports from it), about 0.9 s of CPU before /healthz answered. One
// file is read and compiled once. CommonJS rather than an ES module because Node 20 decodes an
// ES module's source with TextDecoder, several times slower than the CommonJS loader's read.
import fs from "node:fs";
import { build, context } from "esbuild";

const isWatching = process.argv.includes("--watch");

// Left to node_modules, loaded when first used (docs/architecture.md, "Start"): bundling them
// would make every start parse them. sqlite3 is native (its binding is found beside its files);
// bufferutil and utf-8-validate are ws's optional native helpers; undici and @remix-run/web-fetch
// only serve @remix-run/node's installGlobals, which Gotong never calls (Node 20 has fetch).
const LOADED_FROM_NODE_MODULES =
  /^(docx|mammoth|jszip|@xmldom\/xmldom|@tiptap\/html|happy-dom|pg|ioredis|sqlite3|bufferutil|utf-8-validate|undici|@remix-run\/web-fetch)(\/|$)/;

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
  sourcemap: true,
  logLevel: "warning",
};

// An ES module (package.json's "type") that loads the bundle through require: importing it
// instead would have cjs-module-lexer scan all of it for export names.
fs.mkdirSync("build", { recursive: true });
fs.rmSync("build/server.js.map", { force: true });
fs.writeFileSync(
  "build/server.js",
  '// Written by scripts/build-server.mjs: the server is build/server.cjs.\nimport { createRequire } from "node:module";\n\ncreateRequire(import.meta.url)("./server.cjs");\n',
);

if (isWatching) {
  await (await context(options)).watch();
} else {
  await build(options);
}
