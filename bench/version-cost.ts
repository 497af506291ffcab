// The storage cost of versions, measured on the demo plan after a long generated editing
// session (docs/architecture.md, "Versions"): a full encoded Yjs state per version (what
// Gotong keeps) against Yjs snapshots over a document that never collects garbage (gc: false).
//   npx tsx bench/version-cost.ts [--edits=20000] [--versions=40]
import * as Y from "yjs";
import { planUpdateFromJSON, PLAN_FRAGMENT } from "../app/editor/document.server";
import { demoPlanContent } from "../db/demo-plan";

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, "").split("=") as [string, string]));
const EDITS = Number(args.get("edits") ?? 20_000);
const VERSIONS = Number(args.get("versions") ?? 40);
const AUTHORS = 10;
const WORDS = ["koperasi", "social", "enterprise", "solidarity", "village", "finance", "policy", "action", "plan", "partner"];

/** A deterministic sequence: the same edits on every run. */
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

function textNodes(doc: Y.Doc): Y.XmlText[] {
  const found: Y.XmlText[] = [];
  const visit = (node: Y.XmlElement | Y.XmlFragment) => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) found.push(child);
      else if (child instanceof Y.XmlElement) visit(child);
    }
  };
  visit(doc.getXmlFragment(PLAN_FRAGMENT));
  return found;
}

function session(gc: boolean) {
  const doc = new Y.Doc({ gc });
  Y.applyUpdate(doc, planUpdateFromJSON(demoPlanContent));
  const authors = Array.from({ length: AUTHORS }, () => {
    const author = new Y.Doc({ gc });
    Y.applyUpdate(author, Y.encodeStateAsUpdate(doc));
    return author;
  });
  seed = 42;
  const fullStates: Uint8Array[] = [];
  const snapshots: Uint8Array[] = [];
  for (let edit = 1; edit <= EDITS; edit++) {
    const author = authors[Math.floor(random() * AUTHORS)]!;
    const texts = textNodes(author);
    const text = texts[Math.floor(random() * texts.length)]!;
    if (random() < 0.6 || text.length < 20) {
      text.insert(Math.floor(random() * (text.length + 1)), `${WORDS[Math.floor(random() * WORDS.length)]} `);
    } else {
      const at = Math.floor(random() * (text.length - 8));
      text.delete(at, 1 + Math.floor(random() * 8));
    }
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(author, Y.encodeStateVector(doc)));
    for (const other of authors)
      if (other !== author && random() < 0.02) Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)));
    if (edit % Math.floor(EDITS / VERSIONS) === 0) {
      if (gc) fullStates.push(Y.encodeStateAsUpdate(doc));
      else snapshots.push(Y.encodeSnapshot(Y.snapshot(doc)));
    }
  }
  return { doc, fullStates, snapshots };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const time = (run: () => void, repeat = 20) => {
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(repeat / 2)]!;
};

const full = session(true);
const snap = session(false);
const fullTotal = full.fullStates.reduce((sum, state) => sum + state.byteLength, 0);
const liveGc = Y.encodeStateAsUpdate(full.doc).byteLength;
const liveNoGc = Y.encodeStateAsUpdate(snap.doc).byteLength;
const snapshotTotal = snap.snapshots.reduce((sum, s) => sum + s.byteLength, 0);
const lastState = full.fullStates[full.fullStates.length - 1]!;
const openFull = time(() => Y.applyUpdate(new Y.Doc(), lastState));
const lastSnapshot = Y.decodeSnapshot(snap.snapshots[snap.snapshots.length - 1]!);
const openSnapshot = time(() => Y.createDocFromSnapshot(snap.doc, lastSnapshot), 5);

console.log(`demo plan, ${EDITS} edits by ${AUTHORS} authors, ${VERSIONS} versions`);
console.log(`| | full state per version (Gotong) | snapshots over gc:false |`);
console.log(`|---|---|---|`);
console.log(`| live document, encoded | ${kb(liveGc)} | ${kb(liveNoGc)} |`);
console.log(
  `| ${VERSIONS} versions | ${kb(fullTotal)} (${kb(fullTotal / VERSIONS)} each) | ${kb(snapshotTotal)} (${kb(snapshotTotal / VERSIONS)} each) |`,
);
console.log(`| total stored | ${kb(liveGc + fullTotal)} | ${kb(liveNoGc + snapshotTotal)} |`);
console.log(`| open the newest version, median ms | ${openFull.toFixed(1)} | ${openSnapshot.toFixed(1)} |`);
