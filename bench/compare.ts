// Comparing two versions of a 100-page plan a day of editing apart (docs/versions.md): the
// time to open both stored states as Y.Docs, and the time comparePlans takes on them.
// `npm run bench -- --only=compare`, or on its own `npx tsx bench/compare.ts [--quick]`.
import { pathToFileURL } from "node:url";
import * as Y from "yjs";
import { createAttribution, type DeletionRecord } from "../app/versions/attribution.server";
import { comparePlans } from "../app/versions/compare.server";
import type { Person } from "../app/versions/types";
import { planUpdateFromJSON, PLAN_FRAGMENT } from "../app/editor/document.server";
import { planContent } from "./fixtures";
import type { Row } from "./scenarios";
import { percentile } from "./stats";

const SECTIONS = 40;
const PARAGRAPHS = 60;
const AUTHORS = 10;
const SYLLABLES = "ko pe ra si sol id ar ity ma ju gotong royong desa dana".split(" ");

interface Day {
  from: Uint8Array;
  to: Uint8Array;
  clients: Map<number, Person>;
  deletions: DeletionRecord[];
  words: number;
}

/**
 * The plan as the server created it, then a day: `edits` keystroke runs (inserts of a few
 * characters, deletions of one to three) scattered over every paragraph by 10 people, with
 * now and then a paragraph added or removed, and one section moved, one added, one removed.
 */
function dayOfEdits(edits: number): Day {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, planUpdateFromJSON(planContent(SECTIONS, PARAGRAPHS)));
  const from = Y.encodeStateAsUpdate(doc);
  const people = Array.from({ length: AUTHORS }, (_, i): Person => ({ id: i + 1, name: `Author ${i + 1}`, organisation: "Bench" }));
  const clients = new Map(people.map((person, i) => [20_000 + i, person]));
  const deletions: DeletionRecord[] = [];
  let author = 0;
  doc.on("update", (update: Uint8Array) => {
    for (const [client, ranges] of Y.decodeUpdate(update).ds.clients) {
      for (const { clock, len } of ranges) deletions.push({ client, clock, len, person: people[author]! });
    }
  });
  let seed = 4242;
  // mulberry32: a small generator whose low bits are as random as its high ones.
  const random = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
  const fragment = doc.getXmlFragment(PLAN_FRAGMENT);
  const paragraphText = () => {
    const section = fragment.get(random(fragment.length)) as Y.XmlElement;
    const paragraph = section.get(1 + random(section.length - 1)) as Y.XmlElement;
    return { section, paragraph, text: paragraph.get(0) as Y.XmlText | undefined };
  };
  for (let edit = 0; edit < edits; edit++) {
    author = random(AUTHORS);
    doc.clientID = 20_000 + author;
    if (edit % 250 === 125) {
      const { section } = paragraphText();
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText("A new paragraph typed during the day.")]);
      section.insert(1 + random(section.length - 1), [paragraph]);
      continue;
    }
    if (edit % 500 === 250) {
      const { section } = paragraphText();
      if (section.length > 2) section.delete(1 + random(section.length - 1), 1);
      continue;
    }
    const { text } = paragraphText();
    if (!text) continue;
    if (random(4) === 0 && text.length > 3) {
      text.delete(random(text.length - 3), 1 + random(3));
    } else {
      text.insert(random(text.length + 1), SYLLABLES[random(SYLLABLES.length)]! + (random(3) === 0 ? " " : ""));
    }
  }
  // The editor moves a section by recreating it; one section is added and one removed.
  author = 0;
  doc.clientID = 20_000;
  doc.transact(() => {
    const moved = fragment.get(3) as Y.XmlElement;
    fragment.insert(10, [moved.clone()]);
    fragment.delete(3, 1);
    fragment.insert(20, [(fragment.get(0) as Y.XmlElement).clone()]);
    (fragment.get(20) as Y.XmlElement).setAttribute("id", "s-bench-new");
    fragment.delete(30, 1);
  });
  let words = 0;
  for (const section of fragment.toArray() as Y.XmlElement[]) {
    for (const block of section.toArray() as Y.XmlElement[])
      words += ((block.get(0) as Y.XmlText | undefined)?.toString().match(/\S+/g) ?? []).length;
  }
  return { from, to: Y.encodeStateAsUpdate(doc), clients, deletions, words };
}

function openState(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc;
}

const round = (value: number) => Number(value.toFixed(1));

export function compareBench(options: { quick: boolean }): Row {
  const edits = 5000;
  const runs = options.quick ? 10 : 20;
  const day = dayOfEdits(edits);
  const attribution = createAttribution({ clients: day.clients, deletions: day.deletions });

  const openTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    openState(day.from);
    openState(day.to);
    openTimes.push(performance.now() - start);
  }
  const from = { doc: openState(day.from), details: [] };
  const to = { doc: openState(day.to), details: [] };
  // The first comparison in a fresh process, before the JIT has warmed up: a server's first.
  const firstStart = performance.now();
  let comparison = comparePlans(from, to, attribution);
  const firstCompareMs = performance.now() - firstStart;
  for (let i = 0; i < 3; i++) comparison = comparePlans(from, to, attribution);
  const compareTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    comparison = comparePlans(from, to, attribution);
    compareTimes.push(performance.now() - start);
  }
  openTimes.sort((a, b) => a - b);
  compareTimes.sort((a, b) => a - b);
  return {
    server: "gotong",
    sections: SECTIONS,
    paragraphs: SECTIONS * PARAGRAPHS,
    words: day.words,
    edits,
    authors: AUTHORS,
    stateKb: Math.round(day.to.byteLength / 1024),
    openBothMs: round(percentile(openTimes, 50)),
    firstCompareMs: round(firstCompareMs),
    compareP50Ms: round(percentile(compareTimes, 50)),
    compareP95Ms: round(percentile(compareTimes, 95)),
    runs,
    changes: comparison.changes.length,
    sectionsChanged: comparison.summary.sectionsChanged.length,
    wordsAdded: comparison.summary.wordsAdded,
    wordsRemoved: comparison.summary.wordsRemoved,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(compareBench({ quick: process.argv.includes("--quick") })));
}
