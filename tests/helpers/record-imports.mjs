// `node --import ./tests/helpers/record-imports.mjs …` with RECORD_IMPORTS_TO=<file>: appends
// the URL of every module the process resolves through import (static or dynamic), and the path
// of every one it requires, to the file, one a line. Used to see which packages a server has
// loaded (tests/integration/start-modules). The server is one bundled CommonJS file that imports
// and requires only what it leaves in node_modules, so both ways in are recorded.
// The same file is both the registration (main thread) and the hooks (Node runs them apart).
import fs from "node:fs";
import Module, { register } from "node:module";
import { isMainThread } from "node:worker_threads";

if (isMainThread) {
  const target = process.env.RECORD_IMPORTS_TO;
  register(import.meta.url, { data: target });
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (...args) {
    const filename = resolveFilename.apply(this, args);
    if (target) fs.appendFileSync(target, `${filename}\n`);
    return filename;
  };
}

let file;

export function initialize(target) {
  file = target;
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (file) fs.appendFileSync(file, `${result.url}\n`);
  return result;
}
