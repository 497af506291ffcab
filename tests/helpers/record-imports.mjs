// `node --import ./tests/helpers/record-imports.mjs …` with RECORD_IMPORTS_TO=<file>: appends
// the URL of every module the process resolves through import (static or dynamic) to the file,
// one a line. Used to see which packages a server has loaded (tests/integration/start-modules).
// The same file is both the registration (main thread) and the hooks (Node runs them apart).
import fs from "node:fs";
import { register } from "node:module";
import { isMainThread } from "node:worker_threads";

if (isMainThread) register(import.meta.url, { data: process.env.RECORD_IMPORTS_TO });

let file;

export function initialize(target) {
  file = target;
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (file) fs.appendFileSync(file, `${result.url}\n`);
  return result;
}
