// "Import a reviewed Word file": reads the file, places its changes and comments in the plan as
// it is now, and writes them as suggestions and comment threads through the collaboration
// server, the way a person's own suggestions and comments are written (docs/suggestions.md,
// "Reviewed Word files back in").
import type { AppLoadContext } from "@remix-run/node";
import type { Node as PMNode } from "@tiptap/pm/model";
import { absolutePositionToRelativePosition, initProseMirrorDoc } from "@tiptap/y-tiptap";
import { toBase64 } from "lib0/buffer";
import * as Y from "yjs";
import { PLAN_FRAGMENT, planSchema } from "../editor/document.server";
import { SUGGESTION_DELETE, SUGGESTION_INSERT } from "../editor/suggestion-marks";
import type { AnchorRequest } from "../editor/comment-anchors";
import { addComment, createThread, listPlanPeople, MAX_COMMENT_LENGTH, mentionedUserIds } from "../models/comment.server";
import { commentingRule } from "../models/consultation.server";
import { listMembers } from "../models/plan.server";
import { sectionThreadOpenings, threadComments, threadEverExisted } from "../models/review-threads.server";
import { can, type Role } from "../models/roles";
import { loadPlanDoc } from "../models/plan-document.server";
import { singleton } from "../utils/singleton.server";
import { readReviewDocx } from "./review-docx.server";
import { DocxImportError } from "./upload.server";
import {
  placeReview,
  type PlacedComment,
  type PlacedSuggestion,
  type PlacedThread,
  type PlanSectionText,
  type UnplacedReason,
} from "./review-placement.server";

/** Past these, a file is not one reviewer's pass over a plan; the rest is listed, not written. */
const MAX_SUGGESTIONS = 500;
const MAX_THREADS = 500;
/** How long the import waits for a rate-limited account, and how often. */
const RATE_LIMIT_PAUSE_MS = 250;
const RATE_LIMIT_TRIES = 40;

export type ImportUnplacedReason = UnplacedReason | "roundClosed" | "tooMany" | "refused";

export interface ReviewImportResult {
  suggestions: { id: string; sectionId: string; find: string; replaceWith: string; author: string }[];
  threads: { id: string; sectionId: string; quote: string; comments: number }[];
  unplaced: { kind: "suggestion" | "comment"; text: string; reason: ImportUnplacedReason; detail?: string; author: string }[];
  /** Already in the plan from an earlier import of this file (or, for threads, from the export itself). */
  alreadyThere: { suggestions: number; threads: number };
}

export interface Importer {
  id: number;
  role: Role;
}

/** suggestText's refusals that say where the text is not, as the placement says them. */
const SUGGESTION_REFUSALS: Record<string, ImportUnplacedReason> = {
  notFound: "notFound",
  ambiguous: "ambiguous",
  noSuchSection: "sectionUnknown",
};

/** Plans with an import writing to them now: a second one at once would place against text the
 * first is still changing, and could make the same thread twice. */
const importing = singleton("reviewImports", () => new Set<string>());

export async function importReview(
  context: AppLoadContext,
  planId: string,
  importer: Importer,
  bytes: Buffer,
): Promise<ReviewImportResult> {
  if (importing.has(planId)) throw new DocxImportError("busy");
  importing.add(planId);
  try {
    return await importInto(context, planId, importer, bytes);
  } finally {
    importing.delete(planId);
  }
}

async function importInto(context: AppLoadContext, planId: string, importer: Importer, bytes: Buffer): Promise<ReviewImportResult> {
  const review = await readReviewDocx(bytes);
  const live = await loadPlanDoc(planId, await context.collab.documentState(planId));
  // Kept until the end: passages are anchored against it.
  const plan = readPlanText(live);
  const [people, members] = await Promise.all([listPlanPeople(planId), listMembers(planId)]);
  const roleOf = new Map(members.map((member) => [member.userId, member.role]));
  const importerOrganisation = people.find((person) => person.id === importer.id)?.organisation;
  const placement = placeReview({
    planId,
    review,
    sections: plan.sections,
    members: people.map((person) => ({
      id: person.id,
      name: person.name,
      organisation: person.organisation,
      // The importer vouches for the names in the file: the drafting team for anyone who may
      // suggest, a partner only for their own organisation's people, never for someone who could not
      // have written it.
      mayBeCredited:
        can(roleOf.get(person.id) ?? "viewer", "plan.suggest") &&
        (can(importer.role, "plan.editText") || person.organisation === importerOrganisation),
    })),
  });

  const result: ReviewImportResult = {
    suggestions: [],
    threads: [],
    unplaced: [...placement.unplaced],
    alreadyThere: { suggestions: 0, threads: 0 },
  };
  const roundOf = roundRule(planId, importer);

  let threadsChanged = false;
  for (const [index, thread] of placement.threads.entries()) {
    const unplaced = (reason: ImportUnplacedReason, detail?: string) =>
      result.unplaced.push({
        kind: "comment",
        text: thread.comments[0]?.text ?? "",
        reason,
        detail,
        author: thread.comments[0]?.wordAuthor ?? "",
      });
    if (index >= MAX_THREADS) {
      unplaced("tooMany");
      continue;
    }
    const round = await roundOf(thread.sectionId);
    if (round === "closed") {
      unplaced("roundClosed");
      continue;
    }
    const bodies = thread.comments.map((comment) => ({
      userId: comment.authorId ?? importer.id,
      body: commentBody(comment),
      text: comment.text,
    }));
    const existing = await existingThread(planId, thread);
    if (existing === "deleted") {
      // Imported before and deleted since: on purpose.
      result.alreadyThere.threads++;
      continue;
    }
    if (existing) {
      // Replies written in Word since: added once, in order. Known by their text alone: the
      // export writes who wrote a comment as a name that another importer may not credit.
      const stored = new Set((await threadComments(existing)).map((comment) => comparable(comment.body)));
      const added = bodies.filter((entry) => !stored.has(comparable(entry.body)) && !stored.has(comparable(entry.text)));
      for (const entry of added) await addComment(existing, entry.userId, entry.body, mentionedUserIds(entry.body, people));
      threadsChanged ||= added.length > 0;
      result.alreadyThere.threads++;
      continue;
    }
    const [opening, ...replies] = bodies;
    if (!opening) continue;
    let quote = "";
    if (thread.passage) {
      const anchor = plan.anchor(thread.sectionId, thread.passage);
      if (!anchor) {
        unplaced("notFound");
        continue;
      }
      const marked = await paced(() => context.collab.markComment(planId, opening.userId, anchor, thread.threadId, async () => undefined));
      if (!marked.ok) {
        unplaced("refused", marked.reason);
        continue;
      }
      quote = marked.quote;
    }
    await createThread({
      id: thread.threadId,
      planId,
      sectionId: thread.sectionId,
      anchor: thread.passage ? "text" : "section",
      quote,
      roundId: typeof round === "number" ? round : null,
      userId: opening.userId,
      body: opening.body,
      mentions: mentionedUserIds(opening.body, people),
    });
    for (const reply of replies) await addComment(thread.threadId, reply.userId, reply.body, mentionedUserIds(reply.body, people));
    threadsChanged = true;
    result.threads.push({ id: thread.threadId, sectionId: thread.sectionId, quote: thread.quote, comments: bodies.length });
  }

  // After the threads: a suggestion's inserted words inside a commented passage would change the quote its mark checks.
  for (const [index, suggestion] of placement.suggestions.entries()) {
    const unplaced = (reason: ImportUnplacedReason, detail?: string) =>
      result.unplaced.push({ kind: "suggestion", text: describe(suggestion), reason, detail, author: suggestion.wordAuthor });
    if (isOpenSuggestion(plan, suggestion)) result.alreadyThere.suggestions++;
    else if (index >= MAX_SUGGESTIONS) unplaced("tooMany");
    else if ((await roundOf(suggestion.sectionId)) === "closed") unplaced("roundClosed");
    else {
      const written = await paced(() =>
        context.collab.suggestText(planId, suggestion.authorId ?? importer.id, {
          sectionId: suggestion.sectionId,
          find: suggestion.find,
          replaceWith: suggestion.replaceWith,
          importKey: suggestion.importKey,
          ...(suggestion.authorId === null ? { wordAuthor: suggestion.wordAuthor } : {}),
        }),
      );
      if (written.ok) result.suggestions.push({ id: written.id, ...suggestionSummary(suggestion) });
      else if (written.reason === "alreadyImported") result.alreadyThere.suggestions++;
      else if (SUGGESTION_REFUSALS[written.reason]) unplaced(SUGGESTION_REFUSALS[written.reason]!);
      else unplaced("refused", written.reason);
    }
  }

  if (threadsChanged) context.collab.notifyThreadsChanged(planId);
  if (result.suggestions.length > 0) context.collab.notifySuggestionsChanged(planId);
  live.destroy();
  return result;
}

/** A section's consultation rule for the importer, as when they comment by hand: the open
 * round the import joins, or "closed" when a closed round refuses them. Cached per section. */
function roundRule(planId: string, importer: Importer) {
  const rules = new Map<string, Promise<number | null | "closed">>();
  return (sectionId: string) => {
    let rule = rules.get(sectionId);
    if (!rule) {
      rule = commentingRule(planId, sectionId).then((found) =>
        found.closedRound && !can(importer.role, "comment.afterRoundCloses") ? "closed" : found.openRoundId,
      );
      rules.set(sectionId, rule);
    }
    return rule;
  };
}

/** The thread this comment already is: imported before (its id is derived from it), or one of
 * the plan's own threads the export wrote into the file, recognised by its first comment and author. */
async function existingThread(planId: string, thread: PlacedThread): Promise<string | "deleted" | null> {
  const before = await threadEverExisted(thread.threadId);
  // The id covers the plan, so a row of this id is this plan's.
  if (before) return before.isDeleted || before.planId !== planId ? "deleted" : thread.threadId;
  const opening = thread.comments[0];
  if (!opening) return null;
  const author = comparable(opening.wordAuthor);
  const text = comparable(opening.text);
  const match = (await sectionThreadOpenings(planId, thread.sectionId)).find(
    (candidate) =>
      comparable(candidate.body) === text &&
      [candidate.name, `${candidate.name} (${candidate.organisation})`].some((name) => comparable(name) === author),
  );
  return match?.id ?? null;
}

function comparable(text: string): string {
  return text.replace(/\s+/g, " ").trim().toLowerCase();
}

/** A Word comment's body as stored: its text, and who wrote it in Word when the importer is credited. */
function commentBody(comment: PlacedComment): string {
  const prefix = comment.authorId === null ? `via Word: ${comment.wordAuthor || "?"}\n\n` : "";
  const body = prefix + comment.text;
  return body.length > MAX_COMMENT_LENGTH ? `${body.slice(0, MAX_COMMENT_LENGTH - 1)}…` : body;
}

/** Marks and suggestions are rate limited per account (server/collab/services.ts): the import waits its turn. */
async function paced<T extends { ok: boolean; reason?: string }>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    const answer = await attempt();
    if (answer.ok || answer.reason !== "rateLimited" || tries >= RATE_LIMIT_TRIES) return answer;
    await new Promise((resolve) => setTimeout(resolve, RATE_LIMIT_PAUSE_MS));
  }
}

/** Whether the section has an open suggestion of these very words (the export writes open
 * suggestions as tracked changes, so a reviewed copy brings them back unchanged). */
function isOpenSuggestion(plan: PlanText, suggestion: PlacedSuggestion): boolean {
  return (plan.openSuggestions.get(suggestion.sectionId) ?? []).some(
    (open) => open.inserted === suggestion.inserted && open.deleted === suggestion.deleted,
  );
}

function suggestionSummary(suggestion: PlacedSuggestion) {
  return { sectionId: suggestion.sectionId, find: suggestion.find, replaceWith: suggestion.replaceWith, author: suggestion.wordAuthor };
}

function describe(suggestion: PlacedSuggestion): string {
  if (suggestion.deleted && suggestion.inserted) return `${suggestion.deleted} → ${suggestion.inserted}`;
  return suggestion.inserted ? `+ ${suggestion.inserted}` : `− ${suggestion.deleted}`;
}

interface PlanText {
  sections: PlanSectionText[];
  /** Each section's open suggestions' words: a file exported with them as tracked changes brings them back. */
  openSuggestions: Map<string, { inserted: string; deleted: string }[]>;
  /** The Yjs anchor of a passage (section textblock, accepted-text offsets), or null. */
  anchor(sectionId: string, passage: { paragraph: number; from: number; to: number }): AnchorRequest | null;
}

/**
 * Each section's textblocks as accepted text (open suggested insertions left out, line breaks
 * as "\n"), with where each character is, so a passage found in that text can be anchored.
 */
export function readPlanText(doc: Y.Doc): PlanText {
  const fragment = doc.getXmlFragment(PLAN_FRAGMENT);
  const { doc: root, mapping } = initProseMirrorDoc(fragment, planSchema());
  const sections: PlanSectionText[] = [];
  const positions = new Map<string, number[][]>();
  const openSuggestions = new Map<string, { inserted: string; deleted: string }[]>();
  root.forEach((section, sectionOffset) => {
    if (section.type.name !== "section") return;
    const paragraphs: string[] = [];
    const places: number[][] = [];
    const suggested = new Map<string, { inserted: string; deleted: string }>();
    section.descendants((node, pos) => {
      if (node.isText) {
        for (const mark of node.marks) {
          const isInsert = mark.type.name === SUGGESTION_INSERT;
          if (!isInsert && mark.type.name !== SUGGESTION_DELETE) continue;
          const words = suggested.get(mark.attrs.id as string) ?? { inserted: "", deleted: "" };
          if (isInsert) words.inserted += node.text;
          else words.deleted += node.text;
          suggested.set(mark.attrs.id as string, words);
        }
        return false;
      }
      if (!node.isTextblock) return true;
      const { text, at } = acceptedText(node, sectionOffset + 1 + pos + 1);
      paragraphs.push(text);
      places.push(at);
      return true;
    });
    const id = section.attrs.id as string;
    sections.push({ id, title: section.firstChild?.textContent ?? "", paragraphs });
    positions.set(id, places);
    openSuggestions.set(id, [...suggested.values()]);
  });
  const range = (sectionId: string, passage: { paragraph: number; from: number; to: number }) => {
    const at = positions.get(sectionId)?.[passage.paragraph];
    if (!at || passage.from >= passage.to || passage.to > at.length) return null;
    return { from: at[passage.from]!, to: at[passage.to - 1]! + 1 };
  };
  const encode = (pos: number) => toBase64(Y.encodeRelativePosition(absolutePositionToRelativePosition(pos, fragment, mapping)));
  return {
    sections,
    openSuggestions,
    anchor(sectionId, passage) {
      const found = range(sectionId, passage);
      return found ? { from: encode(found.from), to: encode(found.to), quote: root.textBetween(found.from, found.to, "\n") } : null;
    },
  };
}

function acceptedText(textblock: PMNode, start: number): { text: string; at: number[] } {
  let text = "";
  const at: number[] = [];
  textblock.forEach((child, offset) => {
    const pos = start + offset;
    if (child.isText) {
      if (child.marks.some((mark) => mark.type.name === SUGGESTION_INSERT)) return;
      for (let index = 0; index < child.text!.length; index++) at.push(pos + index);
      text += child.text;
    } else if (child.type.name === "hardBreak") {
      at.push(pos);
      text += "\n";
    }
  });
  return { text, at };
}
