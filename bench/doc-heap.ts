// Run with `node --expose-gc --import tsx bench/doc-heap.ts <state file>`: how much heap a
// plan's Y.Doc takes beside its encoded state, after full garbage collections.
import fs from "node:fs";
import * as Y from "yjs";

const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
const state = new Uint8Array(fs.readFileSync(process.argv[2]!));
gc();
gc();
const before = process.memoryUsage().heapUsed;
const doc = new Y.Doc();
Y.applyUpdate(doc, state);
gc();
gc();
const docBytes = process.memoryUsage().heapUsed - before;
console.log(JSON.stringify({ encodedBytes: state.byteLength, docHeapBytes: docBytes, clients: doc.store.clients.size }));
