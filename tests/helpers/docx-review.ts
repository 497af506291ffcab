// Reading a Word file the way a reviewer's Word does after "Accept all" or "Reject all": the
// body's paragraphs as plain text, with tracked insertions and deletions resolved one way.
import JSZip from "jszip";
import type { Node as ProseMirrorNode } from "@tiptap/pm/model";

/** A part of the file: word/document.xml unless said. */
export async function documentXml(file: ArrayBuffer | Uint8Array, part = "word/document.xml"): Promise<string> {
  const zip = await JSZip.loadAsync(file);
  return zip.file(part)!.async("string");
}

/** The paragraphs' text after accepting (or rejecting) every tracked change, from the first
 * section bookmark on (the title page before it is not the plan's text). */
export function reviewedParagraphs(xml: string, resolution: "accept" | "reject"): string[] {
  const firstBookmark = xml.indexOf("<w:bookmarkStart");
  const body = firstBookmark >= 0 ? xml.slice(xml.lastIndexOf("<w:p>", firstBookmark)) : xml;
  const resolved =
    resolution === "accept"
      ? body.replace(/<w:del\b[^>]*>[\s\S]*?<\/w:del>/g, "").replace(/<\/?w:ins\b[^>]*>/g, "")
      : body
          .replace(/<w:ins\b[^>]*>[\s\S]*?<\/w:ins>/g, "")
          .replace(/<\/?w:del\b[^>]*>/g, "")
          .replace(/<(\/?)w:delText\b/g, "<$1w:t");
  return [...resolved.matchAll(/<w:p\b[^>]*>([\s\S]*?)<\/w:p>/g)].map(([, paragraph]) =>
    [...paragraph!.matchAll(/<w:t\b[^>]*>([^<]*)<\/w:t>/g)].map(([, text]) => unescapeXml(text!)).join(""),
  );
}

/** Each text block's text, in document order: what Word's paragraphs must read. */
export function blockTexts(doc: ProseMirrorNode): string[] {
  const texts: string[] = [];
  doc.descendants((node) => {
    if (!node.isTextblock) return true;
    texts.push(node.textContent);
    return false;
  });
  return texts;
}

/** Whether `expected` appears in `actual` in order (Word's file has more: details lines, table
 * headers, the empty paragraph a document ends with). */
export function isInOrder(expected: string[], actual: string[]): boolean {
  let at = 0;
  for (const text of expected.filter((text) => text.trim())) {
    while (at < actual.length && actual[at] !== text) at++;
    if (at === actual.length) return false;
    at++;
  }
  return true;
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
    if (named[entity]) return named[entity];
    return String.fromCodePoint(entity[1] === "x" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
  });
}
