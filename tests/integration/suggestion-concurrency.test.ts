// Suggestions while others edit (issue 23, "Concurrency"; docs/suggestions.md): through the real
// server and real y-websocket clients, a suggestion stays on its words while an editor types
// around it, two people's proposals on the same words both survive, accepting keeps an edit made
// at the same time, and restoring a version brings its open suggestions back.
import { describe, expect, it } from "vitest";
import { suggestionsInDocument } from "../../app/editor/suggestion-marks";
import { waitFor, whenSaved, whenSynced, type TestClient } from "../helpers/clients";
import { useDemoServer } from "../helpers/demo-server";
import { editLikeEditor, findText, pmDocOf, typeText } from "../helpers/pm-edit";
import { suggestionsApi } from "../helpers/suggestions-api";

const demo = useDemoServer();

const { api, suggestionById: suggestion, suggest, syncedClient } = suggestionsApi(demo);

const inDocument = (client: TestClient, id: string) => suggestionsInDocument(pmDocOf(client.doc)).find((entry) => entry.id === id);

describe("a suggestion among other people's edits", () => {
  it("stays on its words while an editor types before it, after it and inside its paragraph", async () => {
    const editor = await syncedClient("editor");
    const id = await suggest("s-concept", "how the action plan understands SSE", "how the action plan defines SSE");
    await waitFor(() => inDocument(editor, id) !== undefined, "the suggestion's marks");
    editLikeEditor(editor.doc, (tr) => {
      // After the words, then before them (positions taken before either insertion).
      const after = findText(editor.doc, "SSE, and how").to;
      const before = findText(editor.doc, "This section").from;
      typeText(tr, after, " EDITOR-AFTER");
      typeText(tr, before, "EDITOR-BEFORE ");
    });
    await whenSaved(editor);
    const fresh = await syncedClient("viewer");
    expect(inDocument(fresh, id)).toMatchObject({ inserted: "defines", deleted: "understands" });
    expect(fresh.allText()).toContain("EDITOR-BEFORE This section");
    expect(await suggestion(id))!.toMatchObject({ status: "open", inserted: "defines", deleted: "understands" });
  });

  it("keeps two people's proposals on the same words, each with its author", async () => {
    const viewer = await syncedClient("viewer");
    const partner = await suggest("s-r193", "used by more than 110 member States", "used by more than 110 States");
    const editor = await suggest("s-r193", "110 member States since", "110 member States ever since", "editor");
    const ownerDeletion = await suggest("s-r193", "more than 110 member", "more than 110", "owner");
    await waitFor(() => [partner, editor, ownerDeletion].every((id) => inDocument(viewer, id)), "all three suggestions");
    // The partner and the owner both propose to delete "member": both marks are on it.
    expect(inDocument(viewer, partner)).toMatchObject({ deleted: expect.stringMatching(/^ ?member ?$/) });
    expect(inDocument(viewer, ownerDeletion)).toMatchObject({ deleted: expect.stringMatching(/^ ?member ?$/) });
    expect(inDocument(viewer, editor)).toMatchObject({ inserted: expect.stringMatching(/^ ?ever ?$/) });
    const names = await Promise.all([partner, editor, ownerDeletion].map(async (id) => (await suggestion(id))!.author.name));
    expect(names).toEqual(["Eri Trinurini", "Tendy Gunawan", "Sri Wahyuni"]);
    // Accepting one leaves the others open; the owner's keeps only what the accepted deletion left
    // of its words (a space), never the word that went.
    expect((await api("owner", "POST", `/suggestions/${partner}/accept`, {})).status).toBe(200);
    await waitFor(() => viewer.text().includes("used by more than 110 States"), "the accepted deletion");
    expect((await suggestion(editor))!.status).toBe("open");
    expect(inDocument(viewer, ownerDeletion)?.deleted ?? "").not.toContain("member");
  });

  it("accepting keeps an edit made in the same paragraph at the same time", async () => {
    const typist = await syncedClient("editor");
    const id = await suggest("s-mapping", "mapped SSE policy in six countries", "mapped SSE policy in seven countries");
    await waitFor(() => inDocument(typist, id) !== undefined, "the suggestion's marks");
    // The typist is offline while the owner accepts: their edit meets the acceptance on reconnect.
    typist.provider.disconnect();
    editLikeEditor(typist.doc, (tr) => typeText(tr, findText(typist.doc, "mapped SSE policy").from, "OFFLINE-EDIT "));
    expect((await api("owner", "POST", `/suggestions/${id}/accept`, {})).status).toBe(200);
    typist.provider.connect();
    await whenSynced(typist);
    await whenSaved(typist);
    const fresh = await syncedClient("viewer");
    expect(fresh.text()).toContain("OFFLINE-EDIT mapped SSE policy in seven countries");
    expect(fresh.text()).not.toContain("six countries");
    expect(inDocument(fresh, id)).toBeUndefined();
    expect((await suggestion(id))!.status).toBe("accepted");
  });
});

describe("versions", () => {
  it("restoring a version brings back the suggestions that were open in it", async () => {
    const viewer = await syncedClient("viewer");
    const id = await suggest("s-actions", "Webinar held", "Webinar held online");
    await waitFor(() => inDocument(viewer, id) !== undefined, "the suggestion's marks");
    const saved = await api("editor", "POST", "/versions", { name: "With the webinar suggestion" });
    expect(saved.status).toBe(201);
    expect((await api("editor", "POST", `/suggestions/${id}/reject`, {})).status).toBe(200);
    await waitFor(() => inDocument(viewer, id) === undefined, "the rejection");
    const restored = await api("editor", "POST", `/versions/${saved.json.id as number}/restore`, { sectionId: "s-actions" });
    expect(restored.status).toBe(200);
    await waitFor(() => inDocument(viewer, id) !== undefined, "the suggestion to come back");
    expect(inDocument(viewer, id)).toMatchObject({ inserted: expect.stringMatching(/^ ?online$/) });
    await expect.poll(async () => (await suggestion(id))!.status).toBe("open");
  });
});

describe("many requests at once", () => {
  it("a burst of one partner's suggestions is bounded: some refused with 429, none fails, each made one is listed once", async () => {
    const words = ["Webinar held", "proceedings published", "Gap analysis report", "mapped SSE policy"];
    const sections = ["s-actions", "s-actions", "s-actions", "s-mapping"];
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api("commenter", "POST", "/suggestions", { sectionId: sections[i % 4], find: words[i % 4], replaceWith: `${words[i % 4]} (${i})` }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    // Each write copies the whole plan: the account's rate (10 a second, a burst of 20) refuses the rest.
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 201 || status === 429 || status === 422)).toBe(true);
    const made = answers.filter((answer) => answer.status === 201).map((answer) => answer.json.id as string);
    expect(made.length).toBeGreaterThan(0);
    const viewer = await syncedClient("viewer");
    const inText = suggestionsInDocument(pmDocOf(viewer.doc)).map((entry) => entry.id);
    for (const id of made) expect(inText.filter((each) => each === id)).toHaveLength(1);
    expect((await (await fetch(`${demo.server.url}/healthz`)).json()).status).toBe("ok");
  });
});
