// "New plan from a Word file" through the real server: Word files built here with `docx`
// (and zips with jszip) are posted to /plans/import, and the stored plan is read back.
import type { Node as PMNode } from "@tiptap/pm/model";
import { yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import {
  Document,
  ExternalHyperlink,
  HeadingLevel,
  ImageRun,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  type ParagraphChild,
} from "docx";
import JSZip from "jszip";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { PLAN_FRAGMENT, planSchema } from "../../app/editor/document.server";
import { isSafeLinkUrl } from "../../app/editor/extensions";
import { openDatabase } from "../../db";
import { DEMO_PLAN_TITLE } from "../../db/demo-plan";
import { useDemoServer } from "../helpers/demo-server";
import { DEMO, type DemoRole } from "../helpers/server";

const demo = useDemoServer();

const MB = 1024 * 1024;
// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

function postImport(
  bytes: Uint8Array,
  fileName: string,
  role: DemoRole | null = "editor",
  language?: string,
  title?: string,
): Promise<Response> {
  const form = new FormData();
  if (title !== undefined) form.append("title", title);
  form.append("file", new Blob([new Uint8Array(bytes)]), fileName);
  return fetch(`${demo.server.url}/plans/import`, {
    method: "POST",
    body: form,
    headers: { ...(role ? { cookie: demo.cookies[role] } : {}), ...(language ? { "accept-language": language } : {}) },
    redirect: "manual",
  });
}

/** The new plan's id from the import's redirect. */
async function importedPlanId(response: Response): Promise<string> {
  expect(response.status, await response.clone().text()).toBe(302);
  const location = new URL(response.headers.get("location")!, demo.server.url);
  expect(location.pathname).toMatch(/^\/plans\/[a-z0-9]+$/);
  return location.pathname.split("/")[2]!;
}

/** The plan's document as stored in the database: every stored row, merged. */
async function storedPlan(planId: string): Promise<PMNode> {
  const db = openDatabase(demo.server.databasePath);
  try {
    const snapshot = await db.selectFrom("plan_documents").select("state").where("plan_id", "=", planId).executeTakeFirst();
    const rows = await db.selectFrom("plan_updates").select("update").where("plan_id", "=", planId).orderBy("id").execute();
    const doc = new Y.Doc();
    for (const update of [...(snapshot ? [snapshot.state] : []), ...rows.map((row) => row.update)])
      Y.applyUpdate(doc, new Uint8Array(update));
    return yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(PLAN_FRAGMENT), planSchema());
  } finally {
    await db.destroy();
  }
}

async function planRow(planId: string) {
  const db = openDatabase(demo.server.databasePath);
  try {
    const plan = await db.selectFrom("plans").select(["title", "description"]).where("id", "=", planId).executeTakeFirstOrThrow();
    const members = await db.selectFrom("plan_members").select(["user_id", "role"]).where("plan_id", "=", planId).execute();
    return { ...plan, members };
  } finally {
    await db.destroy();
  }
}

function sectionTitles(doc: PMNode): string[] {
  const titles: string[] = [];
  doc.forEach((section) => titles.push(section.firstChild?.textContent ?? ""));
  return titles;
}

function nodesOfType(node: PMNode, type: string): PMNode[] {
  const found: PMNode[] = [];
  node.descendants((child) => {
    if (child.type.name === type) found.push(child);
  });
  return found;
}

/** Each row of each table (or action matrix) in the node, as cell texts. */
function rowsOf(node: PMNode, rowType = "tableRow"): string[][] {
  return nodesOfType(node, rowType).map((row) => {
    const cells: string[] = [];
    row.forEach((cell) => cells.push(cell.textContent));
    return cells;
  });
}

async function docxFile(children: (Paragraph | Table)[]): Promise<Buffer> {
  return Packer.toBuffer(new Document({ sections: [{ children }] }));
}

const text = (value: string, options: { bold?: boolean; italics?: boolean } = {}) => new TextRun({ text: value, ...options });
const paragraph = (...children: ParagraphChild[]) => new Paragraph({ children });
const cell = (value: string) => new TableCell({ children: [new Paragraph(value)] });

describe("a new plan from a Word file", () => {
  it("makes each top-level heading a section, with its paragraphs, lists, links, tables and sub-headings", async () => {
    const file = await docxFile([
      new Paragraph({ text: "Rencana Aksi Nasional Ekonomi Sosial", heading: HeadingLevel.TITLE }),
      new Paragraph({ text: "Draft for consultation", style: "Subtitle" }),
      paragraph(text("This draft comes from the ministry's working group.")),
      new Paragraph({ text: "1. Background", heading: HeadingLevel.HEADING_1 }),
      paragraph(
        text("Cooperatives are "),
        text("the backbone", { bold: true }),
        text(" of the "),
        text("people's economy", { italics: true }),
        text("."),
      ),
      paragraph(
        text("See "),
        new ExternalHyperlink({ link: "https://www.ilo.org/sse", children: [text("the ILO's SSE page")] }),
        text("."),
      ),
      new Paragraph({ text: "Women's cooperatives", bullet: { level: 0 } }),
      new Paragraph({ text: "Village enterprises (BUMDes)", bullet: { level: 0 } }),
      new Paragraph({ text: "1.1 Legal basis", heading: HeadingLevel.HEADING_2 }),
      paragraph(text("Law No. 25 of 1992 on Cooperatives.")),
      paragraph(new ImageRun({ type: "png", data: PNG, transformation: { width: 20, height: 20 } })),
      new Paragraph({ text: "2. Targets", heading: HeadingLevel.HEADING_1 }),
      new Table({
        rows: [
          new TableRow({ tableHeader: true, children: [cell("Indicator"), cell("Baseline"), cell("Target 2029")] }),
          new TableRow({ children: [cell("Registered social enterprises"), cell("0"), cell("500")] }),
          new TableRow({ children: [cell("Provinces with an SSE office"), cell("3"), cell("38")] }),
        ],
      }),
      paragraph(text("Targets are reviewed every year.")),
    ]);

    const planId = await importedPlanId(await postImport(file, "RAN draft.docx"));
    const doc = await storedPlan(planId);

    expect(sectionTitles(doc)).toEqual(["Rencana Aksi Nasional Ekonomi Sosial", "1. Background", "2. Targets"]);
    const [intro, background, targets] = [doc.child(0), doc.child(1), doc.child(2)];
    expect(new Set([intro, background, targets].map((section) => section.attrs.id)).size).toBe(3);
    expect(intro.textBetween(0, intro.content.size, "\n")).toBe(
      "Rencana Aksi Nasional Ekonomi Sosial\nThis draft comes from the ministry's working group.",
    );

    expect(background.child(1).textContent).toBe("Cooperatives are the backbone of the people's economy.");
    expect(
      nodesOfType(background, "text")
        .find((node) => node.text === "the backbone")!
        .marks.map((mark) => mark.type.name),
    ).toEqual(["bold"]);
    expect(
      nodesOfType(background, "text")
        .find((node) => node.text === "people's economy")!
        .marks.map((mark) => mark.type.name),
    ).toEqual(["italic"]);
    const link = nodesOfType(background, "text")
      .find((node) => node.text === "the ILO's SSE page")!
      .marks.find((mark) => mark.type.name === "link");
    expect(link?.attrs.href).toBe("https://www.ilo.org/sse");
    expect(nodesOfType(background, "bulletList")).toHaveLength(1);
    expect(nodesOfType(background, "listItem").map((item) => item.textContent)).toEqual([
      "Women's cooperatives",
      "Village enterprises (BUMDes)",
    ]);
    // Heading 2 under Heading 1 stays inside its section, one level down.
    const subheading = nodesOfType(background, "heading").slice(1);
    expect(subheading.map((heading) => [heading.attrs.level, heading.textContent])).toEqual([[3, "1.1 Legal basis"]]);
    expect(background.lastChild!.textContent).toBe("Law No. 25 of 1992 on Cooperatives.");

    expect(nodesOfType(targets, "table")).toHaveLength(1);
    expect(nodesOfType(targets, "tableHeader").map((header) => header.textContent)).toEqual(["Indicator", "Baseline", "Target 2029"]);
    expect(rowsOf(targets)).toEqual([
      ["Indicator", "Baseline", "Target 2029"],
      ["Registered social enterprises", "0", "500"],
      ["Provinces with an SSE office", "3", "38"],
    ]);
    expect(targets.lastChild!.textContent).toBe("Targets are reviewed every year.");

    expect(await planRow(planId)).toEqual({
      title: "Rencana Aksi Nasional Ekonomi Sosial",
      description: "Draft for consultation — Imported from “RAN draft.docx”. 1 image was left out.",
      members: [{ user_id: expect.any(Number), role: "owner" }],
    });
  });

  it("a plan exported from Gotong comes back marked as imported, without the export's version stamp", async () => {
    const exported = await fetch(`${demo.server.url}/plans/${DEMO.planId}/export.docx`, { headers: { cookie: demo.cookies.editor } });
    expect(exported.status).toBe(200);
    const planId = await importedPlanId(await postImport(new Uint8Array(await exported.arrayBuffer()), "plan.docx"));
    const plan = await planRow(planId);
    expect(plan.title).toBe(`${DEMO_PLAN_TITLE} (imported)`);
    expect(plan.description).toBe("Imported from “plan.docx”.");
  });

  it("takes the title the importer typed, tidied and cut to the title's limit, over the file's", async () => {
    const file = await docxFile([new Paragraph({ text: "The file's own heading", heading: HeadingLevel.HEADING_1 })]);
    const named = await importedPlanId(await postImport(file, "named.docx", "editor", undefined, "  RAN SSE\n  — working draft  "));
    expect((await planRow(named)).title).toBe("RAN SSE — working draft");
    // Control characters (PostgreSQL refuses NUL) and markup: a title on one line, shown as text.
    const hostile = await importedPlanId(
      await postImport(file, "hostile.docx", "editor", undefined, "A\u0000B\u0007 <img src=x onerror=alert(1)>"),
    );
    expect((await planRow(hostile)).title).toBe("A B <img src=x onerror=alert(1)>");
    const page = await (await fetch(`${demo.server.url}/plans/${hostile}`, { headers: { cookie: demo.cookies.editor } })).text();
    expect(page).not.toContain("<img src=x");
    const long = await importedPlanId(await postImport(file, "long.docx", "editor", undefined, "x".repeat(5000)));
    expect((await planRow(long)).title).toBe("x".repeat(200));
    // An empty field leaves the file's title.
    const unnamed = await importedPlanId(await postImport(file, "unnamed.docx", "editor", undefined, "   "));
    expect((await planRow(unnamed)).title).not.toMatch(/^\s*$/);
    expect((await planRow(unnamed)).title).not.toBe((await planRow(named)).title);
  });

  it("makes the importer the plan's only member, as its owner", async () => {
    const planId = await importedPlanId(
      await postImport(await docxFile([new Paragraph({ text: "Only mine", heading: HeadingLevel.HEADING_1 })]), "mine.docx", "viewer"),
    );
    expect((await fetch(`${demo.server.url}/plans/${planId}`, { headers: { cookie: demo.cookies.viewer } })).status).toBe(200);
    expect((await fetch(`${demo.server.url}/plans/${planId}`, { headers: { cookie: demo.cookies.owner } })).status).toBe(404);
    expect((await planRow(planId)).members.map((member) => member.role)).toEqual(["owner"]);
    const dashboard = await (await fetch(`${demo.server.url}/plans`, { headers: { cookie: demo.cookies.viewer } })).text();
    expect(dashboard).toContain(`/plans/${planId}`);
  });

  it("titles a file without a Title from its first heading, and one without headings from its name", async () => {
    const headed = await importedPlanId(
      await postImport(
        await docxFile([new Paragraph({ text: "Roadmap 2026", heading: HeadingLevel.HEADING_2 }), paragraph(text("Text."))]),
        "x.docx",
      ),
    );
    expect((await planRow(headed)).title).toBe("Roadmap 2026");
    expect(sectionTitles(await storedPlan(headed))).toEqual(["Roadmap 2026"]);

    const plain = await importedPlanId(await postImport(await docxFile([paragraph(text("Just some notes."))]), "Catatan rapat.docx"));
    expect((await planRow(plain)).title).toBe("Catatan rapat");
    const doc = await storedPlan(plain);
    expect(sectionTitles(doc)).toEqual(["Introduction"]);
    expect(doc.textContent).toContain("Just some notes.");
    // In the importer's language.
    const indonesian = await importedPlanId(
      await postImport(await docxFile([paragraph(text("Catatan."))]), "Catatan.docx", "editor", "id-ID"),
    );
    expect(sectionTitles(await storedPlan(indonesian))).toEqual(["Pendahuluan"]);
  });

  it("sends a signed-out visitor to sign in and creates nothing", async () => {
    const response = await postImport(await docxFile([paragraph(text("x"))]), "x.docx", null);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login/);
  });

  it("shows the upload form on its own page, and on the dashboard", async () => {
    const page = await (await fetch(`${demo.server.url}/plans/import`, { headers: { cookie: demo.cookies.editor } })).text();
    expect(page).toContain("New plan from a Word file");
    expect(page).toMatch(/enctype="multipart\/form-data"/i);
    const dashboard = await (await fetch(`${demo.server.url}/plans`, { headers: { cookie: demo.cookies.editor } })).text();
    expect(dashboard).toContain("New plan from a Word file");
    expect(dashboard).toContain('action="/plans/import"');
  });
});

describe("what the import refuses", () => {
  const NOT_DOCX = "This is not a Word (.docx) file.";

  it.each([
    ["a text file", Buffer.from("Rencana aksi nasional\nJust text, renamed.\n")],
    ["a PDF", Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")],
    ["an old binary .doc", Buffer.concat([Buffer.from("d0cf11e0a1b11ae1", "hex"), Buffer.alloc(4096)])],
  ])("refuses %s named .docx, saying it is not a Word file", async (_what, bytes) => {
    const response = await postImport(bytes, "plan.docx");
    expect(response.status).toBe(422);
    expect(await response.text()).toContain(NOT_DOCX);
  });

  it("refuses a zip that is not a Word document (a spreadsheet)", async () => {
    const zip = new JSZip();
    zip.file("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
    zip.file("xl/workbook.xml", "<workbook/>");
    const response = await postImport(await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" }), "budget.docx");
    expect(response.status).toBe(422);
    expect(await response.text()).toContain(NOT_DOCX);
  });

  it("refuses a file over 10 MB", async () => {
    const response = await postImport(Buffer.alloc(10 * MB + 1, 1), "huge.docx");
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("This file is larger than 10 MB.");
  });

  it("stops reading an upload that passes 10 MB without saying its length", async () => {
    const boundary = "----gotong-test-boundary";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.docx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 1 MB at a time, up to 30 MB; the server should stop long before.
        if (sent === 0) controller.enqueue(head);
        if (sent >= 30 * MB) return controller.close();
        sent += MB;
        controller.enqueue(new Uint8Array(MB));
      },
    });
    const response = await fetch(`${demo.server.url}/plans/import`, {
      method: "POST",
      body,
      headers: { cookie: demo.cookies.editor, "content-type": `multipart/form-data; boundary=${boundary}` },
      redirect: "manual",
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("This file is larger than 10 MB.");
  });

  it("refuses a zip bomb from its declared sizes, before inflating it", async () => {
    const zip = new JSZip();
    zip.file("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
    zip.file("word/document.xml", Buffer.alloc(60 * MB));
    const bomb = await zip.generateAsync({ type: "uint8array", compression: "DEFLATE", compressionOptions: { level: 9 } });
    expect(bomb.length).toBeLessThan(MB);
    const response = await postImport(bomb, "plan.docx");
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("This file unpacks to more than 20 MB, or is packed suspiciously tightly");
  });

  it("refuses a zip whose directory understates what an entry inflates to", async () => {
    const zip = new JSZip();
    zip.file("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
    zip.file("word/document.xml", Buffer.alloc(20 * MB));
    const bytes = Buffer.from(await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" }));
    // Central directory entries: "PK\1\2"; the uncompressed size sits at +24, the name at +46.
    for (let offset = bytes.indexOf("PK\x01\x02"); offset >= 0; offset = bytes.indexOf("PK\x01\x02", offset + 4)) {
      const name = bytes.toString("utf8", offset + 46, offset + 46 + bytes.readUInt16LE(offset + 28));
      if (name === "word/document.xml") bytes.writeUInt32LE(100_000, offset + 24);
    }
    const response = await postImport(bytes, "plan.docx");
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("This file unpacks to more than 20 MB, or is packed suspiciously tightly");
  });

  it("refuses a zip that lists more entries than it declares (other zip readers would read a hidden one)", async () => {
    const zip = new JSZip();
    zip.file("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
    zip.file("word/document.xml", "<w:document/>");
    zip.file("word/hidden.xml", Buffer.alloc(MB));
    const bytes = Buffer.from(await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" }));
    // The end record ("PK\5\6") declares the entry count at +8 and +10: one fewer than listed.
    const end = bytes.lastIndexOf("PK\x05\x06");
    bytes.writeUInt16LE(2, end + 8);
    bytes.writeUInt16LE(2, end + 10);
    const response = await postImport(bytes, "plan.docx");
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("This Word file is damaged");
  });

  it("refuses a request without a file", async () => {
    const response = await fetch(`${demo.server.url}/plans/import`, {
      method: "POST",
      body: new URLSearchParams({ file: "plan.docx" }),
      headers: { cookie: demo.cookies.editor },
      redirect: "manual",
    });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("Choose a Word (.docx) file to import.");
  });
});

describe("nothing executable comes in", () => {
  it("drops a javascript: link and keeps script-like text as plain text", async () => {
    const file = await docxFile([
      new Paragraph({ text: "<script>alert('title')</script>Plan", heading: HeadingLevel.TITLE }),
      new Paragraph({ text: "<img src=x onerror=alert(1)>", heading: HeadingLevel.HEADING_1 }),
      paragraph(
        text("Click "),
        new ExternalHyperlink({ link: "javascript:alert(document.cookie)", children: [text("here")] }),
        text(" please."),
      ),
      paragraph(new ExternalHyperlink({ link: "data:text/html,<script>alert(1)</script>", children: [text("data link")] })),
      paragraph(text("<script>alert(1)</script>")),
    ]);
    const planId = await importedPlanId(await postImport(file, "evil.docx"));
    const doc = await storedPlan(planId);

    const links = nodesOfType(doc, "text").flatMap((node) => node.marks.filter((mark) => mark.type.name === "link"));
    expect(links.filter((mark) => !isSafeLinkUrl(mark.attrs.href as string))).toEqual([]);
    expect(doc.textContent).toContain("Click here please.");
    expect(doc.textContent).toContain("data link");
    expect(nodesOfType(doc, "paragraph").map((node) => node.textContent)).toContain("<script>alert(1)</script>");
    expect(sectionTitles(doc)).toEqual(["<img src=x onerror=alert(1)>"]);

    // The title is text wherever it is shown.
    expect((await planRow(planId)).title).toBe("<script>alert('title')</script>Plan");
    const dashboard = await (await fetch(`${demo.server.url}/plans`, { headers: { cookie: demo.cookies.editor } })).text();
    expect(dashboard).toContain("&lt;script&gt;alert(");
    expect(dashboard).not.toContain("<script>alert(");
  });
});

describe("round trip", () => {
  it("imports the seeded plan's Word export back with the same sections and action matrix cells", async () => {
    const exported = await fetch(`${demo.server.url}/plans/${DEMO.planId}/export.docx`, { headers: { cookie: demo.cookies.owner } });
    expect(exported.status).toBe(200);
    const planId = await importedPlanId(await postImport(new Uint8Array(await exported.arrayBuffer()), "demo.docx", "owner"));

    const [original, imported] = [await storedPlan(DEMO.planId), await storedPlan(planId)];
    expect(sectionTitles(imported)).toEqual(sectionTitles(original));
    expect(rowsOf(imported, "actionRow")).toEqual(rowsOf(original, "actionRow"));
    expect(rowsOf(original, "actionRow").length).toBeGreaterThan(0);
    // Paragraph by paragraph, every section's text comes back.
    const paragraphs = (doc: PMNode) =>
      nodesOfType(doc, "paragraph")
        .map((node) => node.textContent)
        .filter(Boolean);
    expect(paragraphs(imported)).toEqual(paragraphs(original));
    expect((await planRow(planId)).title).toBe(`${(await planRow(DEMO.planId)).title} (imported)`);
  });
});
