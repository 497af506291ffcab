// The compare engine: the redline between two states of a plan (docs/versions.md). The two
// states share their Yjs history, so text is compared by Yjs item ids: a character with the
// same id on both sides is unchanged, one only in the newer state was inserted, one only in
// the older was deleted. That is exact and costs nothing where nothing changed. A text diff
// (Myers) is used only where ids cannot relate: blocks the editor recreated (a moved section
// or row) are paired with the old ones by their text.
import type * as Y from "yjs";
import { movedSections } from "./alignment.server";
import type { Attribution } from "./attribution.server";
import { CompareContext } from "./block-diff.server";
import { OpenSuggestions, readPlan, type SectionRead } from "./plan-reading.server";
import { summarise, toComparedBlocks } from "./summary.server";
import type { ComparedSection, Comparison, SectionDetail } from "./types";

export interface PlanSide {
  doc: Y.Doc;
  details: SectionDetail[];
}

export function comparePlans(from: PlanSide, to: PlanSide, attribution: Attribution): Omit<Comparison, "from" | "to"> {
  // The older side's open suggestions: one accepted since is credited to its suggester.
  const fromSuggestions = new OpenSuggestions();
  const fromSections = readPlan(from.doc, fromSuggestions);
  const context = new CompareContext(attribution, fromSuggestions);
  const toSections = readPlan(to.doc);
  const fromByKey = new Map(fromSections.map((section) => [section.key, section]));
  const toKeys = new Set(toSections.map((section) => section.key));
  const moved = movedSections(fromSections, toSections);

  // Removed sections go after the section that preceded them in the older state.
  const removedAfter = new Map<string | null, SectionRead[]>();
  let previousKept: string | null = null;
  for (const section of fromSections) {
    if (toKeys.has(section.key)) {
      previousKept = section.key;
      continue;
    }
    removedAfter.set(previousKept, [...(removedAfter.get(previousKept) ?? []), section]);
  }

  const compared: ComparedSection[] = [];
  const emitRemoved = (after: string | null) => {
    for (const section of removedAfter.get(after) ?? []) {
      const blocks = toComparedBlocks(section.blocks.map((block) => ({ block, parts: context.wholeBlock(block, "delete") })));
      const titleParts = section.titleBlock ? context.wholeBlock(section.titleBlock, "delete") : [];
      compared.push({ id: section.id, state: "removed", moved: false, titleFrom: section.title, titleTo: null, titleParts, blocks });
    }
  };

  emitRemoved(null);
  for (const section of toSections) {
    const old = fromByKey.get(section.key);
    if (!old) {
      const blocks = toComparedBlocks(section.blocks.map((block) => ({ block, parts: context.wholeBlock(block, "insert") })));
      const titleParts = section.titleBlock ? context.wholeBlock(section.titleBlock, "insert") : [];
      compared.push({ id: section.id, state: "added", moved: false, titleFrom: null, titleTo: section.title, titleParts, blocks });
    } else {
      const blocks = toComparedBlocks(context.compareBlocks(old.blocks, section.blocks));
      const isChanged = old.title !== section.title || blocks.some((block) => block.parts.some((part) => part.type !== "equal"));
      compared.push({
        id: section.id,
        state: isChanged ? "changed" : "unchanged",
        moved: moved.has(section.key),
        titleFrom: old.title,
        titleTo: section.title,
        // The same title is no change, even if its characters are new (a section moved away
        // and back keeps its heading element but not its text's ids).
        titleParts:
          old.title === section.title
            ? section.title
              ? [{ type: "equal", text: section.title, author: null }]
              : []
            : context
                .compareBlocks(old.titleBlock ? [old.titleBlock] : [], section.titleBlock ? [section.titleBlock] : [])
                .flatMap(({ parts }) => parts),
        blocks,
      });
    }
    emitRemoved(section.key);
  }

  return summarise(compared, from.details, to.details);
}
