// Bundles server/index.ts into build/server.js beside the Remix build (build/index.js).
// Packages stay external: node loads them from node_modules at run time, except BUNDLED.
// `--watch` rebuilds on every change (npm run dev).
import { build, context } from "esbuild";

// kysely is some 280 small ES modules: Node spends about 0.3 s of CPU at every start finding and
// loading them one by one, and under 0.05 s on the same code in one file. remix.config.js
// bundles it into build/index.js too (db/dialect.ts says why the two copies do not matter).
const BUNDLED = /^kysely(\/|$)/;

const externalPackages = {
  name: "external-packages",
  setup(build) {
    // A bare specifier (not ./, ../ or /) names a package.
    build.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};

const options = {
  entryPoints: ["server/index.ts"],
  outfile: "build/server.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  plugins: [externalPackages],
  sourcemap: true,
  logLevel: "warning",
};

if (process.argv.includes("--watch")) {
  await (await context(options)).watch();
} else {
  await build(options);
}
