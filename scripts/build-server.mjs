// Bundles server/index.ts into build/server.js beside the Remix build (build/index.js).
// Packages stay external: node loads them from node_modules at run time.
import { build } from "esbuild";

await build({
  entryPoints: ["server/index.ts"],
  outfile: "build/server.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
