// Bundles server/index.ts into build/server.js beside the Remix build (build/index.js).
// Packages stay external: node loads them from node_modules at run time.
// `--watch` rebuilds on every change (npm run dev).
import { build, context } from "esbuild";

const options = {
  entryPoints: ["server/index.ts"],
  outfile: "build/server.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
};

if (process.argv.includes("--watch")) {
  await (await context(options)).watch();
} else {
  await build(options);
}
