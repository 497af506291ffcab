// Word and character counts of the plan, of each section and of a selection, as a word
// processor counts them: words by the language's word boundaries (Intl.Segmenter), so
// "SSE-based" or "koperasi," count as one word and punctuation as none.
import type { Node as PMNode } from "@tiptap/pm/model";

export interface TextCounts {
  words: number;
  characters: number;
  charactersWithoutSpaces: number;
}

export interface SectionCounts extends TextCounts {
  id: string;
  title: string;
}

/** Blocks are separated by a line break, so that words in two blocks never run together. */
const BLOCK_SEPARATOR = "\n";

export function countText(text: string, locale = "en"): TextCounts {
  let words = 0;
  for (const segment of new Intl.Segmenter(locale, { granularity: "word" }).segment(text)) {
    if (segment.isWordLike) words++;
  }
  // Characters as a person sees them (an emoji or an accented letter is one).
  const characters = [...new Intl.Segmenter(locale, { granularity: "grapheme" }).segment(text.replaceAll(BLOCK_SEPARATOR, ""))].length;
  const charactersWithoutSpaces = [...new Intl.Segmenter(locale, { granularity: "grapheme" }).segment(text.replace(/\s/g, ""))].length;
  return { words, characters, charactersWithoutSpaces };
}

/** The text between two positions, blocks apart, as counted. */
export function textBetween(doc: PMNode, from: number, to: number): string {
  return doc.textBetween(from, to, BLOCK_SEPARATOR, " ");
}

/** Counts for the whole plan and for each of its sections, in order. */
export function planCounts(doc: PMNode, locale = "en"): { plan: TextCounts; sections: SectionCounts[] } {
  const sections: SectionCounts[] = [];
  doc.forEach((node) => {
    if (node.type.name !== "section") return;
    const text = textBetween(node, 0, node.content.size);
    sections.push({ id: String(node.attrs.id ?? ""), title: node.firstChild?.textContent ?? "", ...countText(text, locale) });
  });
  return { plan: countText(textBetween(doc, 0, doc.content.size), locale), sections };
}
