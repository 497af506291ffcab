// "Import a reviewed Word file" through the real server: the demo plan's own Word export,
// changed the way Word writes a reviewer's comments, posted to /plans/:planId/import-review.
import { describe, expect, it } from "vitest";
import { DEMO_THREAD } from "../../db/demo-plan";
import { useDemoServer } from "../helpers/demo-server";
import { DEMO, type DemoRole } from "../helpers/server";
import { commentEnd, commentStart, del, editDocumentXml, escapeXml, ins, run } from "../helpers/word-review";

const demo = useDemoServer();

function postReview(bytes: Uint8Array, role: DemoRole, accept = "application/json"): Promise<Response> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)]), "reviewed.docx");
  return fetch(`${demo.server.url}/plans/${DEMO.planId}/import-review`, {
    method: "POST",
    body: form,
    headers: { cookie: demo.cookies[role], accept },
    redirect: "manual",
  });
}

async function exportedPlan(): Promise<Uint8Array> {
  const response = await fetch(`${demo.server.url}/plans/${DEMO.planId}/export.docx`, { headers: { cookie: demo.cookies.owner } });
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

interface Thread {
  id: string;
  sectionId: string;
  quote: string;
  anchor: string;
  roundId: number | null;
  author: { name: string };
  comments: { id: number; body: string; author: { name: string } }[];
}

async function threads(): Promise<Thread[]> {
  const response = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}/threads`, { headers: { cookie: demo.cookies.owner } });
  return ((await response.json()) as { threads: Thread[] }).threads;
}

const PASSAGE = "principles of solidarity";
const COMMENT_ID = 90;

let reviewed: Promise<Buffer> | undefined;
/** The export as it was first, with one more comment by someone who is not a member. */
function reviewedCopy(): Promise<Buffer> {
  return (reviewed ??= makeReviewedCopy());
}

async function makeReviewedCopy(): Promise<Buffer> {
  const comment = (id: number, author: string, text: string) =>
    `<w:comment w:id="${id}" w:author="${escapeXml(author)}" w:date="2026-12-03T08:00:00Z" w:initials="R"><w:p w14:paraId="7000000${id % 10}"><w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p></w:comment>`;
  return editDocumentXml(await exportedPlan(), (xml) => {
    expect(xml).toContain(`relates to the ${PASSAGE} and cooperation.`);
    return xml.replace(
      `relates to the ${PASSAGE}`,
      `relates to the </w:t></w:r>${commentStart(COMMENT_ID)}${run(PASSAGE)}${commentEnd(COMMENT_ID)}<w:r><w:t xml:space="preserve">`,
    );
  }).then(async (bytes) => {
    // Word adds the new comments to the export's own comments.xml (which holds the demo thread).
    const JSZip = (await import("jszip")).default;
    const zip = await JSZip.loadAsync(bytes);
    const comments = await zip.file("word/comments.xml")!.async("string");
    expect(comments).toContain(DEMO_THREAD.comment);
    const withNamespace = comments.includes("xmlns:w14=")
      ? comments
      : comments.replace("<w:comments ", '<w:comments xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" ');
    zip.file(
      "word/comments.xml",
      withNamespace.replace(
        "</w:comments>",
        comment(COMMENT_ID, "A. Reviewer", "Name the principles: solidarity, cooperation, participation.") + "</w:comments>",
      ),
    );
    return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
  });
}

/** The export with one comment (and only that one) on "fit within it.". */
async function commentBy(author: string, text: string): Promise<Buffer> {
  const exported = await exportedPlan();
  return editDocumentXml(
    exported,
    (xml) =>
      xml.replace(
        "fit within it.",
        `</w:t></w:r>${commentStart(91)}${run("fit within it.")}${commentEnd(91)}<w:r><w:t xml:space="preserve">`,
      ),
    {
      "word/comments.xml": `<?xml version="1.0"?><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="91" w:author="${escapeXml(author)}" w:date="2026-12-04T08:00:00Z"><w:p><w:r><w:t>${escapeXml(text)}</w:t></w:r></w:p></w:comment></w:comments>`,
      "word/commentsExtended.xml": `<?xml version="1.0"?><w15:commentsEx xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"/>`,
    },
  );
}

describe("importing a reviewed Word file", () => {
  it("refuses viewers (403) and people who are not members (404), and nobody signed out gets in", async () => {
    const bytes = await exportedPlan();
    expect((await postReview(bytes, "viewer")).status).toBe(403);
    expect((await postReview(bytes, "outsider")).status).toBe(404);
    expect((await postReview(bytes, "viewer", "text/html")).status).toBe(403);
    expect((await postReview(bytes, "outsider", "text/html")).status).toBe(404);
    const page = await fetch(`${demo.server.url}/plans/${DEMO.planId}/import-review`, { headers: { cookie: demo.cookies.viewer } });
    expect(page.status).toBe(403);
    const signedOut = await fetch(`${demo.server.url}/plans/${DEMO.planId}/import-review`, {
      method: "POST",
      body: new FormData(),
      headers: { accept: "application/json" },
    });
    expect(signedOut.status).toBe(401);
  });

  it("shows commenters the upload form, and the plan page links to it", async () => {
    const page = await fetch(`${demo.server.url}/plans/${DEMO.planId}/import-review`, { headers: { cookie: demo.cookies.commenter } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Import a reviewed Word file");
    expect(html).toContain('type="file"');
    const plan = await (await fetch(`${demo.server.url}/plans/${DEMO.planId}`, { headers: { cookie: demo.cookies.commenter } })).text();
    expect(plan).toContain(`/plans/${DEMO.planId}/import-review`);
  });

  it("refuses a file that is no Word file, or too large, with the reason", async () => {
    const response = await postReview(new TextEncoder().encode("not a zip"), "commenter");
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: "notDocx" });
    const huge = await postReview(new Uint8Array(11 * 1024 * 1024), "commenter");
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: "tooLarge" });
  });

  it("makes a Word comment a thread on its passage, credited to the importer via Word; the export's own thread is not made twice; nor is anything on a second import", async () => {
    const before = await threads();
    const reviewed = await reviewedCopy();

    const first = await postReview(reviewed, "commenter");
    expect(first.status, await first.clone().text()).toBe(200);
    const result = (await first.json()) as {
      threads: { id: string; quote: string }[];
      unplaced: unknown[];
      alreadyThere: { threads: number };
    };
    expect(result.unplaced).toEqual([]);
    expect(result.threads).toEqual([expect.objectContaining({ quote: PASSAGE, comments: 1 })]);
    expect(result.alreadyThere.threads).toBe(1); // the demo thread, written into the export

    const after = await threads();
    expect(after).toHaveLength(before.length + 1);
    const made = after.find((thread) => thread.id === result.threads[0]!.id)!;
    expect(made).toMatchObject({ sectionId: "s-concept", quote: PASSAGE, anchor: "text", author: { name: "Eri Trinurini" } });
    expect(made.comments.map((comment) => comment.body)).toEqual([
      "via Word: A. Reviewer\n\nName the principles: solidarity, cooperation, participation.",
    ]);
    const demoThread = after.find((thread) => thread.id === DEMO_THREAD.id)!;
    expect(demoThread.comments).toHaveLength(before.find((thread) => thread.id === DEMO_THREAD.id)!.comments.length);

    const second = await postReview(reviewed, "commenter");
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ threads: [], unplaced: [], alreadyThere: { threads: 2 } });
    expect(await threads()).toHaveLength(after.length);
  });

  it("adds nothing from an export made after the import (its threads come back as the plan's own)", async () => {
    const count = (await threads()).length;
    const response = await postReview(await exportedPlan(), "owner");
    expect(await response.json()).toMatchObject({ suggestions: [], threads: [], unplaced: [], alreadyThere: { threads: 2 } });
    expect(await threads()).toHaveLength(count);
  });

  it("credits a member named in Word when the importer may vouch for them: the drafting team anyone, a partner their own organisation", async () => {
    const imported = async (role: DemoRole, author: string, text: string) => {
      const response = await postReview(await commentBy(author, text), role);
      const body = (await response.json()) as { threads: { id: string }[] };
      expect(body.threads).toHaveLength(1);
      return (await threads()).find((thread) => thread.id === body.threads[0]!.id)!;
    };
    // Tendy Gunawan is the ILO's editor; Eri Trinurini the Bina Swadaya partner importing.
    expect(await imported("commenter", "tendy gunawan", "Partner writing as the ILO")).toMatchObject({
      author: { name: "Eri Trinurini" },
      comments: [{ body: "via Word: tendy gunawan\n\nPartner writing as the ILO" }],
    });
    expect(await imported("commenter", "Eri Trinurini", "A partner's own words")).toMatchObject({
      author: { name: "Eri Trinurini" },
      comments: [{ body: "A partner's own words" }],
    });
    expect(await imported("owner", "Tendy Gunawan (ILO)", "The team's reviewer")).toMatchObject({
      author: { name: "Tendy Gunawan" },
      comments: [{ body: "The team's reviewer" }],
    });
  });

  it("does not bring back a thread it imported that someone has deleted since", async () => {
    const file = await commentBy("Eri Trinurini", "Delete me");
    const { threads: made } = (await (await postReview(file, "commenter")).json()) as { threads: { id: string }[] };
    const thread = (await threads()).find((candidate) => candidate.id === made[0]!.id)!;
    const commentId = thread.comments[0]!.id;
    const deleted = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}/threads/${thread.id}/comments/${commentId}`, {
      method: "DELETE",
      headers: { cookie: demo.cookies.commenter },
    });
    expect(deleted.status).toBe(200);
    const again = await postReview(file, "commenter");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ threads: [], unplaced: [] });
    expect((await threads()).some((candidate) => candidate.id === thread.id)).toBe(false);
  });

  it("answers a form post with a page that counts what came in", async () => {
    const response = await postReview(await reviewedCopy(), "editor", "text/html");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Imported from the Word file");
    expect(html).toContain("0 comment threads");
  });
});

describe("the Word round trip", () => {
  interface Suggestion {
    id: string;
    sectionId: string;
    status: string;
    inserted: string;
    deleted: string;
    author: { name: string };
    wordAuthor?: string;
  }
  async function suggestions(): Promise<Suggestion[]> {
    const response = await fetch(`${demo.server.url}/api/plans/${DEMO.planId}/suggestions`, { headers: { cookie: demo.cookies.owner } });
    return ((await response.json()) as { suggestions: Suggestion[] }).suggestions;
  }

  it("brings a replacement, an insertion and a comment made in Word back as suggestions and a thread, once; an export of them brings nothing new", async () => {
    const before = await suggestions();
    const reviewed = await editDocumentXml(await exportedPlan(), (xml) => {
      expect(xml).toContain("how the action plan understands SSE, and how");
      return xml.replace(
        "how the action plan understands SSE, and how",
        `how the action plan </w:t></w:r>${del("Eri Trinurini", "understands")}${ins("Eri Trinurini", "defines")}` +
          `<w:r><w:t xml:space="preserve"> SSE, and </w:t></w:r>${ins("Someone Outside", "exactly ")}` +
          `${commentStart(96)}${run("how")}${commentEnd(96)}<w:r><w:t xml:space="preserve">`,
      );
    });
    const JSZip = (await import("jszip")).default;
    const zip = await JSZip.loadAsync(reviewed);
    const comments = (await zip.file("word/comments.xml")?.async("string")) ?? "";
    zip.file(
      "word/comments.xml",
      comments.replace(
        "</w:comments>",
        `<w:comment w:id="96" w:author="Someone Outside" w:date="2026-12-05T08:00:00Z"><w:p><w:r><w:t>How, exactly?</w:t></w:r></w:p></w:comment></w:comments>`,
      ),
    );
    const file = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });

    const first = await postReview(file, "commenter");
    expect(first.status).toBe(200);
    const result = (await first.json()) as {
      suggestions: { id: string; find: string; replaceWith: string }[];
      threads: unknown[];
      unplaced: unknown[];
    };
    expect(result.unplaced).toEqual([]);
    expect(result.suggestions.map(({ find, replaceWith }) => ({ find, replaceWith }))).toEqual([
      { find: "understands", replaceWith: "defines" },
      { find: expect.stringContaining("how"), replaceWith: expect.stringContaining("exactly how") },
    ]);
    expect(result.threads).toEqual([expect.objectContaining({ sectionId: "s-concept", quote: "how" })]);

    const after = await suggestions();
    expect(after).toHaveLength(before.length + 2);
    expect(after.find((suggestion) => suggestion.id === result.suggestions[0]!.id)).toMatchObject({
      sectionId: "s-concept",
      status: "open",
      inserted: "defines",
      deleted: "understands",
      author: { name: "Eri Trinurini" },
    });
    const viaWord = after.find((suggestion) => suggestion.id === result.suggestions[1]!.id)!;
    expect(viaWord).toMatchObject({ inserted: "exactly ", deleted: "", author: { name: "Eri Trinurini" }, wordAuthor: "Someone Outside" });

    const threadCount = (await threads()).length;
    const second = await postReview(file, "commenter");
    expect(await second.json()).toMatchObject({ suggestions: [], threads: [], unplaced: [], alreadyThere: { suggestions: 2 } });
    expect(await suggestions()).toHaveLength(after.length);
    expect(await threads()).toHaveLength(threadCount);

    // The export now writes the open suggestions as tracked changes and the thread as a comment.
    const again = await postReview(await exportedPlan(), "editor");
    expect(await again.json()).toMatchObject({ suggestions: [], threads: [], unplaced: [] });
    expect(await suggestions()).toHaveLength(after.length);
    expect(await threads()).toHaveLength(threadCount);
  });
});
