// The answer of a comparison: the blocks as the redline shows them, and the summary (sections
// added, removed, changed, moved and renamed; words by section and person; detail changes).
import type { BlockParts } from "./block-diff.server";
import { samePerson } from "./parts.server";
import { countWords } from "./text-diff.server";
import type { ComparedBlock, ComparedSection, Comparison, Part, Person, SectionDetail } from "./types";

export function toComparedBlocks(blocks: BlockParts[]): ComparedBlock[] {
  const compared: ComparedBlock[] = [];
  for (const { block, parts } of blocks) {
    if (parts.length === 0) continue;
    if (block.kind === "matrixCell" && parts.every((part) => part.type === "equal")) continue;
    compared.push(
      block.style ? { kind: block.kind, cell: block.cell, style: block.style, parts } : { kind: block.kind, cell: block.cell, parts },
    );
  }
  return compared;
}

/** The inserted and deleted runs of a block, whatever their formatting: a change is one run
 * of one person's insertion (or deletion), even where a word in it is bold. */
function changedRuns(parts: Part[]): { type: "insert" | "delete"; text: string; author: Person | null }[] {
  const runs: { type: "insert" | "delete"; text: string; author: Person | null }[] = [];
  let previous: Part | undefined;
  for (const part of parts) {
    const last = runs[runs.length - 1];
    if (part.type !== "equal") {
      if (last && previous?.type === part.type && samePerson(last.author, part.author)) last.text += part.text;
      else runs.push({ type: part.type, text: part.text, author: part.author });
    }
    previous = part;
  }
  return runs;
}

export function summarise(
  compared: ComparedSection[],
  fromDetails: SectionDetail[],
  toDetails: SectionDetail[],
): Omit<Comparison, "from" | "to"> {
  const summary: Comparison["summary"] = {
    sectionsAdded: [],
    sectionsRemoved: [],
    sectionsChanged: [],
    sectionsMoved: [],
    sectionsRenamed: [],
    wordsAdded: 0,
    wordsRemoved: 0,
    bySection: [],
    byPerson: [],
    statusChanges: [],
    detailChanges: [],
  };
  const changes: Comparison["changes"] = [];
  const byPerson = new Map<number | null, Comparison["summary"]["byPerson"][number]>();
  const titles = new Map<string, string>();

  for (const section of compared) {
    const title = section.titleTo ?? section.titleFrom ?? "";
    if (!titles.has(section.id)) titles.set(section.id, title);
    if (section.state === "added") summary.sectionsAdded.push(section.id);
    if (section.state === "removed") summary.sectionsRemoved.push(section.id);
    if (section.state === "changed") summary.sectionsChanged.push(section.id);
    if (section.moved) summary.sectionsMoved.push(section.id);
    if (section.titleFrom !== null && section.titleTo !== null && section.titleFrom !== section.titleTo) {
      summary.sectionsRenamed.push({ sectionId: section.id, from: section.titleFrom, to: section.titleTo });
    }
    let wordsAdded = 0;
    let wordsRemoved = 0;
    for (const parts of [section.titleParts, ...section.blocks.map((block) => block.parts)]) {
      for (const part of changedRuns(parts)) {
        changes.push({ sectionId: section.id, type: part.type, text: part.text, author: part.author });
        const key = part.author?.id ?? null;
        let entry = byPerson.get(key);
        if (!entry) byPerson.set(key, (entry = { person: part.author, wordsAdded: 0, wordsRemoved: 0 }));
        const words = countWords(part.text);
        if (part.type === "insert") {
          entry.wordsAdded += words;
          wordsAdded += words;
        } else {
          entry.wordsRemoved += words;
          wordsRemoved += words;
        }
      }
    }
    summary.wordsAdded += wordsAdded;
    summary.wordsRemoved += wordsRemoved;
    if (section.state !== "unchanged") summary.bySection.push({ sectionId: section.id, title, wordsAdded, wordsRemoved });
  }
  summary.byPerson = [...byPerson.values()]
    .filter((entry) => entry.wordsAdded + entry.wordsRemoved > 0)
    .sort(
      (a, b) =>
        b.wordsAdded + b.wordsRemoved - (a.wordsAdded + a.wordsRemoved) || (a.person?.name ?? "").localeCompare(b.person?.name ?? ""),
    );

  const fromById = new Map(fromDetails.map((detail) => [detail.id, detail]));
  for (const detail of toDetails) {
    const old = fromById.get(detail.id);
    if (!old) continue;
    const title = titles.get(detail.id) ?? detail.title;
    if (old.status !== detail.status) summary.statusChanges.push({ sectionId: detail.id, title, from: old.status, to: detail.status });
    for (const field of ["lead", "assignee", "dueDate"] as const) {
      if (old[field] !== detail[field])
        summary.detailChanges.push({ sectionId: detail.id, title, field, from: old[field], to: detail[field] });
    }
  }
  return { summary, changes, sections: compared };
}
