// Word export through the real server: the seeded plan comes out as a .docx whose XML holds
// every section heading, paragraph and action matrix cell; a saved version exports as it was;
// the comparison of a scripted edit holds Word tracked changes under the editor's name.
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { ACTION_COLUMN_LABELS_EN, ACTION_COLUMNS, readActionRows } from "../../app/editor/action-matrix";
import { readSections } from "../../app/editor/document.server";
import { typeAt, waitFor, whenSaved, whenSynced } from "../helpers/clients";
import { editLikeEditor, findText, pmDocOf, typeText } from "../helpers/pm-edit";
import { useDemoServer } from "../helpers/demo-server";
import { DEMO, type DemoRole } from "../helpers/server";

const demo = useDemoServer();

function get(path: string, role: DemoRole | null): Promise<Response> {
  return fetch(`${demo.server.url}${path}`, { headers: role ? { cookie: demo.cookies[role] } : {}, redirect: "manual" });
}

async function saveVersion(role: DemoRole, name: string): Promise<number> {
  const response = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}/versions`, {
    method: "POST",
    headers: { cookie: demo.cookies[role], "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: number }).id;
}

// ---------------------------------------------------------------------------------------------
// Reading the Word file: unzip, then a small walk over the XML.

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
    if (named[entity]) return named[entity];
    return String.fromCodePoint(entity[1] === "x" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
  });
}

function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: "#root", attributes: {}, children: [] };
  const stack = [root];
  const tokens = /<\?[^>]*\?>|<(\/?)([\w:]+)((?:\s+[\w:]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  for (const [, closing, name, attributeText, selfClosing, text] of xml.matchAll(tokens)) {
    const parent = stack[stack.length - 1]!;
    if (text !== undefined) {
      parent.children.push(unescapeXml(text));
    } else if (name && closing) {
      expect(parent.name).toBe(name);
      stack.pop();
    } else if (name) {
      const attributes = Object.fromEntries(
        [...(attributeText ?? "").matchAll(/([\w:]+)="([^"]*)"/g)].map(([, key, value]) => [key!, unescapeXml(value!)]),
      );
      const element: XmlElement = { name, attributes, children: [] };
      parent.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  expect(stack).toHaveLength(1);
  return root;
}

function elements(node: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  for (const child of node.children) {
    if (typeof child === "string") continue;
    if (child.name === name) found.push(child);
    else found.push(...elements(child, name));
  }
  return found;
}

function child(node: XmlElement, name: string): XmlElement | undefined {
  return node.children.find((c): c is XmlElement => typeof c !== "string" && c.name === name);
}

/** What a reader sees: w:t text and w:br as a newline (w:delText, deleted text, is not shown). */
function textOf(node: XmlElement, textElement = "w:t"): string {
  return node.children
    .map((c) =>
      typeof c === "string" ? "" : c.name === textElement ? c.children.join("") : c.name === "w:br" ? "\n" : textOf(c, textElement),
    )
    .join("");
}

function styleOf(paragraph: XmlElement): string | undefined {
  const properties = child(paragraph, "w:pPr");
  return properties && child(properties, "w:pStyle")?.attributes["w:val"];
}

async function exportDocx(path: string, role: DemoRole = "viewer"): Promise<{ body: XmlElement; zip: JSZip }> {
  const response = await get(path, role);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="[\w.]+\.docx"; filename\*=UTF-8''/);
  const zip = await JSZip.loadAsync(await response.arrayBuffer());
  const document = parseXml(await zip.file("word/document.xml")!.async("string"));
  return { body: elements(document, "w:body")[0]!, zip };
}

/** The document read back: the title page's lines, then per Heading 1 its paragraphs. */
function readBack(body: XmlElement) {
  // An action matrix's header row is its column labels, not text of the plan.
  const labels = ACTION_COLUMNS.map((column) => ACTION_COLUMN_LABELS_EN[column]).join("|");
  const headerRows = new Set(
    elements(body, "w:tr").filter(
      (row) =>
        elements(row, "w:tblHeader").length > 0 &&
        elements(row, "w:tc")
          .map((cell) => textOf(cell))
          .join("|") === labels,
    ),
  );
  // A document that ends with a table gets the empty paragraph Word always ends a document with.
  const blocks = body.children.filter((c): c is XmlElement => typeof c !== "string" && c.name !== "w:sectPr");
  const [beforeLast, last] = blocks.slice(-2);
  const closing = beforeLast?.name === "w:tbl" && last?.name === "w:p" && textOf(last) === "" ? last : null;
  const paragraphs: XmlElement[] = [];
  const walk = (node: XmlElement) => {
    for (const c of node.children) {
      if (typeof c === "string" || headerRows.has(c) || c === closing) continue;
      if (c.name === "w:p") paragraphs.push(c);
      else walk(c);
    }
  };
  walk(body);
  const titlePage: string[] = [];
  const sections: { title: string; details: string[]; paragraphs: string[] }[] = [];
  for (const paragraph of paragraphs) {
    const style = styleOf(paragraph);
    const text = textOf(paragraph);
    if (style === "Heading1") sections.push({ title: text, details: [], paragraphs: [] });
    else if (!sections.length) titlePage.push(text);
    else if (style === "SectionDetails") sections[sections.length - 1]!.details.push(text);
    else sections[sections.length - 1]!.paragraphs.push(text);
  }
  // Action matrices: the tables whose first row is such a header.
  const matrices = elements(body, "w:tbl")
    .map((table) => elements(table, "w:tr"))
    .filter(([header]) => header && headerRows.has(header))
    .map(([, ...rows]) =>
      rows.map((row) =>
        elements(row, "w:tc").map((cell) =>
          elements(cell, "w:p")
            .map((p) => textOf(p))
            .join("\n")
            .trim(),
        ),
      ),
    );
  return { titlePage, sections, matrices };
}

async function currentPlan() {
  const viewer = demo.client("viewer");
  await whenSynced(viewer);
  const plan = { sections: readSections(viewer.doc), actionRows: readActionRows(pmDocOf(viewer.doc)) };
  viewer.destroy();
  return plan;
}

// ---------------------------------------------------------------------------------------------

describe("the plan as a Word document", () => {
  it("holds every section heading, paragraph and action matrix cell of the seeded plan", async () => {
    const plan = await currentPlan();
    const { body } = await exportDocx(`/plans/${DEMO.planId}/export.docx`);
    const docx = readBack(body);

    expect(docx.titlePage[0]).toBe("National Entrepreneurship Action Plan — Social and Solidarity Economy");
    expect(docx.titlePage[1]).toBe("Current text");
    expect(docx.sections.map((section) => section.title)).toEqual(plan.sections.map((section) => section.title));
    // readSections gives each section's text blocks (its heading first) one per line.
    expect(docx.sections.map((section) => [section.title, ...section.paragraphs].join("\n"))).toEqual(
      plan.sections.map((section) => section.text),
    );
    for (const section of docx.sections)
      expect(section.details).toEqual([expect.stringMatching(/^Lead institution: .+ · Status: (Draft|In review|Approved)$/)]);

    expect(plan.actionRows.length).toBeGreaterThan(0);
    expect(docx.matrices.flat()).toEqual(plan.actionRows.map((row) => ACTION_COLUMNS.map((column) => row.cells[column])));
  });

  it("marks each action matrix's header row to repeat on every page", async () => {
    const { body } = await exportDocx(`/plans/${DEMO.planId}/export.docx`);
    const matrices = elements(body, "w:tbl").filter((table) => textOf(elements(table, "w:tr")[0]!).startsWith("Programme"));
    expect(matrices.length).toBeGreaterThan(0);
    for (const table of matrices) {
      const [header, ...rows] = elements(table, "w:tr");
      expect(elements(child(header!, "w:trPr")!, "w:tblHeader")).toHaveLength(1);
      for (const row of rows) expect(elements(row, "w:tblHeader")).toHaveLength(0);
    }
  });

  it("keeps formatting, lists and links as Word's own", async () => {
    const { body, zip } = await exportDocx(`/plans/${DEMO.planId}/export.docx`);
    const runs = elements(body, "w:r");
    const italic = runs.find((run) => textOf(run) === "Gotong royong")!;
    expect(elements(child(italic, "w:rPr")!, "w:i")).toHaveLength(1);
    const bold = runs.find((run) => textOf(run).startsWith("Promotion of Cooperatives Recommendation"))!;
    expect(elements(child(bold, "w:rPr")!, "w:b")).toHaveLength(1);
    // List items are numbered paragraphs pointing at numbering.xml's definitions.
    const numbered = elements(body, "w:numPr");
    expect(numbered.length).toBeGreaterThan(0);
    const numbering = await zip.file("word/numbering.xml")!.async("string");
    for (const numPr of numbered) expect(numbering).toContain(`w:numId="${child(numPr, "w:numId")!.attributes["w:val"]}"`);
    // Every hyperlink has its relationship, to an http(s) or mailto address.
    const relationships = parseXml(await zip.file("word/_rels/document.xml.rels")!.async("string"));
    for (const link of elements(body, "w:hyperlink")) {
      const target = elements(relationships, "Relationship").find((r) => r.attributes.Id === link.attributes["r:id"]);
      expect(target?.attributes.TargetMode).toBe("External");
      expect(target?.attributes.Target).toMatch(/^(https?:\/\/|mailto:)/);
    }
  });

  it("carries the open comment thread as a Word comment on its passage, with its reply", async () => {
    const { body, zip } = await exportDocx(`/plans/${DEMO.planId}/export.docx`);
    const comments = elements(parseXml(await zip.file("word/comments.xml")!.async("string")), "w:comment");
    const [question, reply] = comments;
    expect(question!.attributes["w:author"]).toBe("Eri Trinurini (Bina Swadaya)");
    expect(textOf(question!)).toContain("Could the plan say which of these reforms");
    expect(reply!.attributes["w:author"]).toBe("Tendy Gunawan (ILO)");
    const threading = await zip.file("word/commentsExtended.xml")!.async("string");
    expect(threading).toContain("w15:paraIdParent");
    // The passage between the comment's range start and end.
    const paragraph = elements(body, "w:p").find((p) =>
      elements(p, "w:commentRangeStart").some((s) => s.attributes["w:id"] === question!.attributes["w:id"]),
    )!;
    const inside: string[] = [];
    let isInside = false;
    for (const c of paragraph.children) {
      if (typeof c === "string") continue;
      if (c.name === "w:commentRangeStart" && c.attributes["w:id"] === question!.attributes["w:id"]) isInside = true;
      else if (c.name === "w:commentRangeEnd" && c.attributes["w:id"] === question!.attributes["w:id"]) isInside = false;
      else if (isInside) inside.push(textOf(c));
    }
    expect(inside.join("")).toBe("used by more than 110 member States");
  });

  it("exports a saved version as it was, without later edits", async () => {
    const versionId = await saveVersion("editor", "Before the Word test");
    const editor = demo.client("editor");
    await whenSynced(editor);
    typeAt(editor.doc, "Written after the version. ", 0);
    await whenSaved(editor);

    const current = readBack((await exportDocx(`/plans/${DEMO.planId}/export.docx`)).body);
    expect(current.sections[0]!.paragraphs.join("\n")).toContain("Written after the version.");
    const version = readBack((await exportDocx(`/plans/${DEMO.planId}/export.docx?version=${versionId}`)).body);
    expect(version.titlePage[1]).toBe("Before the Word test");
    expect(version.sections.map((s) => s.paragraphs.join("\n")).join("\n")).not.toContain("Written after the version.");
    expect(version.sections.map((s) => s.title)).toEqual(current.sections.map((s) => s.title));
  });
});

describe("who may export", () => {
  it("lets every member export, hides the plan from others and sends the signed-out to sign in", async () => {
    for (const role of ["owner", "editor", "commenter", "viewer"] as const) {
      expect((await get(`/plans/${DEMO.planId}/export.docx`, role)).status).toBe(200);
    }
    expect((await get(`/plans/${DEMO.planId}/export.docx`, "outsider")).status).toBe(404);
    expect((await get(`/plans/${DEMO.planId}/compare.docx?from=1&to=current`, "outsider")).status).toBe(404);
    expect((await get(`/plans/${DEMO.planId}/export.docx?version=999999`, "viewer")).status).toBe(404);
    expect((await get(`/plans/${DEMO.planId}/compare.docx?from=999999&to=current`, "viewer")).status).toBe(404);
    expect((await get(`/plans/${DEMO.planId}/compare.docx?from=abc`, "viewer")).status).toBe(422);
    for (const path of [`/plans/${DEMO.planId}/export.docx`, `/plans/${DEMO.planId}/compare.docx?from=1`]) {
      const signedOut = await get(path, null);
      expect(signedOut.status).toBe(302);
      expect(signedOut.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    }
  });
});

describe("the comparison as a Word document", () => {
  it("holds the editor's insertion and deletion as tracked changes under the editor's name", async () => {
    const from = await saveVersion("owner", "Before the scripted edit");
    const editor = demo.client("editor");
    await whenSynced(editor);
    editLikeEditor(editor.doc, (tr) => typeText(tr, findText(editor.doc, "While the term").from, "Notably, "));
    editLikeEditor(editor.doc, (tr) => {
      const { from: at, to } = findText(editor.doc, "core ");
      tr.delete(at, to);
    });
    await whenSaved(editor);
    await waitFor(() => !editor.text().includes("its core principles"), "the deletion");

    const { body, zip } = await exportDocx(`/plans/${DEMO.planId}/compare.docx?from=${from}&to=current`);
    const insertions = elements(body, "w:ins").filter((ins) => textOf(ins).includes("Notably"));
    expect(insertions).toHaveLength(1);
    expect(insertions[0]!.attributes["w:author"]).toBe("Tendy Gunawan (ILO)");
    expect(insertions[0]!.attributes["w:date"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const deletions = elements(body, "w:del").filter((del) => textOf(del, "w:delText").includes("core"));
    expect(deletions).toHaveLength(1);
    expect(deletions[0]!.attributes["w:author"]).toContain("Tendy Gunawan");
    expect(textOf(deletions[0]!)).toBe("");
    // Nothing else changed since the version: every other run is plain text.
    expect(elements(body, "w:ins").map((ins) => textOf(ins).trim())).toEqual(["Notably,"]);
    expect(elements(body, "w:del").map((del) => textOf(del, "w:delText").trim())).toEqual(["core"]);
    // What a reader sees with the changes accepted is the text as it is now.
    const accepted = readBack(body).sections.find((section) => section.title.startsWith("1."))!;
    expect(accepted.paragraphs.join("\n")).toContain("Notably, While the term");
    expect(await zip.file("word/settings.xml")!.async("string")).toContain("w:trackRevisions");
  });

  /** A version saved, then `text` typed by the editor at `at` (where `find` starts or ends): the version's id. */
  async function editorTypesSinceVersion(find: string, at: "from" | "to", text: string): Promise<number> {
    const from = await saveVersion("owner", `Before typing ${text}`);
    const editor = demo.client("editor");
    await whenSynced(editor);
    editLikeEditor(editor.doc, (tr) => typeText(tr, findText(editor.doc, find)[at], text));
    await whenSaved(editor);
    return from;
  }

  it("tracks a changed section title under the name of whoever changed it", async () => {
    const from = await editorTypesSinceVersion("The SSE concept and Indonesian practice", "to", " (revised)");
    const { body } = await exportDocx(`/plans/${DEMO.planId}/compare.docx?from=${from}&to=current`);
    const heading = elements(body, "w:p").find((paragraph) => textOf(paragraph).includes("The SSE concept and Indonesian practice"))!;
    const insertions = elements(heading, "w:ins");
    expect(insertions.map((ins) => textOf(ins))).toEqual([" (revised)"]);
    expect(insertions[0]!.attributes["w:author"]).toBe("Tendy Gunawan (ILO)");
  });

  it("keeps bold and italics on inserted, deleted and unchanged runs", async () => {
    const from = await saveVersion("owner", "Before the bold words");
    const editor = demo.client("editor");
    await whenSynced(editor);
    const schema = pmDocOf(editor.doc).type.schema;
    editLikeEditor(editor.doc, (tr) =>
      tr.insert(findText(editor.doc, "guided by").from, schema.text("firmly ", [schema.marks.bold!.create()])),
    );
    editLikeEditor(editor.doc, (tr) => {
      const { from: at, to } = findText(editor.doc, "Cooperatives Recommendation");
      tr.delete(at, to);
      tr.insert(at, schema.text("Co-op Recommendation", [schema.marks.bold!.create(), schema.marks.italic!.create()]));
    });
    await whenSaved(editor);
    await waitFor(() => editor.text().includes("Co-op Recommendation"), "the replacement");

    const { body } = await exportDocx(`/plans/${DEMO.planId}/compare.docx?from=${from}&to=current`);
    const isBold = (run: XmlElement) => elements(child(run, "w:rPr") ?? { name: "", attributes: {}, children: [] }, "w:b").length === 1;
    const isItalic = (run: XmlElement) => elements(child(run, "w:rPr") ?? { name: "", attributes: {}, children: [] }, "w:i").length === 1;
    const inserted = elements(body, "w:ins").flatMap((ins) => elements(ins, "w:r"));
    expect(inserted.filter((run) => textOf(run).includes("firmly")).every(isBold)).toBe(true);
    const paragraph = elements(body, "w:p").find((p) => textOf(p).includes("Promotion of "))!;
    expect(
      elements(paragraph, "w:ins")
        .map((ins) => textOf(ins))
        .join(""),
    ).toContain("Co-op");
    // The new words, and the kept word made italic, read bold and italic.
    const replacement = elements(paragraph, "w:r").filter(
      (run) => textOf(run).trim() !== "" && "Co-op Recommendation".includes(textOf(run)),
    );
    expect(replacement.map((run) => textOf(run)).join("")).toBe("Co-op Recommendation");
    expect(replacement.every((run) => isBold(run) && isItalic(run))).toBe(true);
    const deleted = elements(body, "w:del")
      .flatMap((del) => elements(del, "w:r"))
      .filter((run) => textOf(run, "w:delText").includes("Cooperatives"));
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.every((run) => isBold(run) && !isItalic(run))).toBe(true);
    // Text that did not change keeps its bold too, outside any tracked change.
    const unchanged = elements(body, "w:r").find((run) => textOf(run).startsWith("Promotion of "))!;
    expect(isBold(unchanged)).toBe(true);
    expect(isBold(elements(body, "w:r").find((run) => textOf(run).startsWith(". The Recommendation"))!)).toBe(false);
  });

  it("names a changed action-matrix cell in the reader's language", async () => {
    const from = await editorTypesSinceVersion("150 participants", "from", "at least ");
    const setLanguage = (locale: string) =>
      fetch(`${demo.server.url}/settings`, {
        method: "POST",
        body: new URLSearchParams({ locale }),
        headers: { cookie: demo.cookies.viewer },
        redirect: "manual",
      });
    expect((await setLanguage("id")).status).toBe(302);
    try {
      const { body } = await exportDocx(`/plans/${DEMO.planId}/compare.docx?from=${from}&to=current`);
      const labelled = elements(body, "w:p").filter((paragraph) =>
        elements(paragraph, "w:ins").some((ins) => textOf(ins).includes("at least")),
      );
      expect(labelled).toHaveLength(1);
      expect(textOf(labelled[0]!)).toMatch(/^Baris 1 · Target: /);
    } finally {
      await setLanguage("en");
    }
  });
});
