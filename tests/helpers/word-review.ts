// Word files with tracked changes and comments, written the way Word writes them (w:ins/w:del
// with w:id, w:author, w:date; w:commentRangeStart/End and a w:commentReference run; the comments
// in word/comments.xml and their threading in word/commentsExtended.xml), zipped with jszip.
import JSZip from "jszip";

export const NAMESPACES =
  'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' +
  'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" ' +
  'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"';

const DATE = "2026-12-01T09:30:00Z";
let nextId = 100;

export const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export const run = (text: string) => `<w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r>`;

export const ins = (author: string, text: string, date = DATE) =>
  `<w:ins w:id="${nextId++}" w:author="${escapeXml(author)}" w:date="${date}">${run(text)}</w:ins>`;

export const del = (author: string, text: string, date = DATE) =>
  `<w:del w:id="${nextId++}" w:author="${escapeXml(author)}" w:date="${date}"><w:r><w:delText xml:space="preserve">${escapeXml(text)}</w:delText></w:r></w:del>`;

export const paragraph = (...children: string[]) => `<w:p>${children.join("")}</w:p>`;

export const heading = (text: string, bookmark?: string) => {
  const id = nextId++;
  const start = bookmark ? `<w:bookmarkStart w:id="${id}" w:name="${bookmark}"/>` : "";
  const end = bookmark ? `<w:bookmarkEnd w:id="${id}"/>` : "";
  return `<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>${start}${run(text)}${end}</w:p>`;
};

export const commentStart = (id: number) => `<w:commentRangeStart w:id="${id}"/>`;
export const commentEnd = (id: number) =>
  `<w:commentRangeEnd w:id="${id}"/><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="${id}"/></w:r>`;

export interface WordComment {
  id: number;
  author: string;
  text: string;
  date?: string;
  /** The id of the comment it answers. */
  replyTo?: number;
}

const paraIdOf = (id: number) => (0x10000000 + id).toString(16).toUpperCase();

export function commentsXml(comments: WordComment[]): string {
  const entries = comments.map(
    (comment) =>
      `<w:comment w:id="${comment.id}" w:author="${escapeXml(comment.author)}" w:date="${comment.date ?? DATE}" w:initials="X">` +
      comment.text
        .split("\n")
        .map(
          (line, index, lines) =>
            `<w:p${index === lines.length - 1 ? ` w14:paraId="${paraIdOf(comment.id)}"` : ""}>` +
            (index === 0 ? "<w:r><w:annotationRef/></w:r>" : "") +
            `${run(line)}</w:p>`,
        )
        .join("") +
      "</w:comment>",
  );
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments ${NAMESPACES}>${entries.join("")}</w:comments>`;
}

export function commentsExtendedXml(comments: WordComment[]): string {
  const entries = comments.map(
    (comment) =>
      `<w15:commentEx w15:paraId="${paraIdOf(comment.id)}"${comment.replyTo !== undefined ? ` w15:paraIdParent="${paraIdOf(comment.replyTo)}"` : ""} w15:done="0"/>`,
  );
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:commentsEx ${NAMESPACES}>${entries.join("")}</w15:commentsEx>`;
}

export function documentXml(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${NAMESPACES}><w:body>${body}<w:sectPr/></w:body></w:document>`;
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';

/** A .docx of this body and these comments. */
export async function wordFile(body: string, comments: WordComment[] = [], extra: Record<string, string> = {}): Promise<Buffer> {
  const zip = new JSZip();
  zip.file("[Content_Types].xml", CONTENT_TYPES);
  zip.file("word/document.xml", documentXml(body));
  if (comments.length) {
    zip.file("word/comments.xml", commentsXml(comments));
    zip.file("word/commentsExtended.xml", commentsExtendedXml(comments));
  }
  for (const [name, content] of Object.entries(extra)) zip.file(name, content);
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

/** A Word file's zip with `document.xml` changed by `edit`, the other parts as they were. */
export async function editDocumentXml(
  bytes: Uint8Array,
  edit: (xml: string) => string,
  extra: Record<string, string> = {},
): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes);
  zip.file("word/document.xml", edit(await zip.file("word/document.xml")!.async("string")));
  for (const [name, content] of Object.entries(extra)) zip.file(name, content);
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}
