// Saved versions of a plan: named ones and automatic checkpoints (docs/versions.md). Each
// keeps the full encoded Yjs state, so nothing that happens to the update log later (compaction,
// restarts) can change what a version shows; compressed, since it is read only to be shown,
// compared, exported or restored.
import crypto from "node:crypto";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type * as Y from "yjs";
import { getDb } from "../../db";
import { lockForTransaction } from "../../db/locks";
import type { Person, SectionDetail, Version } from "./types";
import { listSections } from "../models/section.server";
import { PLAN_FRAGMENT } from "../editor/plan-fragment";
import { readableDoc } from "../editor/document.server";
import { loadDeletions } from "../models/plan-document.server";

export type { SectionDetail };

// In the thread pool: a 100-page plan's state takes tens of milliseconds to compress.
const deflate = promisify(zlib.deflateRaw);
const inflate = promisify(zlib.inflateRaw);

export const MAX_VERSION_NAME = 200;
export const MAX_VERSION_NOTE = 2000;

/** The section details as a version keeps them. */
export async function currentSectionDetails(planId: string): Promise<SectionDetail[]> {
  return (await listSections(planId)).map((section) => ({
    id: section.id,
    title: section.title,
    status: section.status,
    lead: section.leadOrganisationName,
    assignee: section.assigneeName,
    dueDate: section.dueDate,
  }));
}

/** What makes two versions equal: the document (text, marks, structure) and the details. */
export function contentHash(doc: Y.Doc, details: SectionDetail[]): string {
  return crypto
    .createHash("sha256")
    .update(doc.getXmlFragment(PLAN_FRAGMENT).toString())
    .update("\u0000")
    .update(JSON.stringify(details))
    .digest("hex");
}

/** Stores a copy of the plan's state as a version (a named one or a checkpoint), one write at
 * a time per plan across instances; with `skipIfUnchanged`, nothing when the latest version
 * has the same content. The version's id, or null if skipped. */
export async function storeVersion(input: {
  planId: string;
  kind: "named" | "checkpoint";
  name: string;
  note: string;
  state: Uint8Array;
  details: SectionDetail[];
  contentHash: string;
  authors: number[];
  createdBy: number | null;
  /** Keep nothing (null) when the plan's latest version has the same content hash. */
  skipIfUnchanged?: boolean;
}): Promise<number | null> {
  const isLatest = async (db: Pick<ReturnType<typeof getDb>, "selectFrom">) =>
    (
      await db
        .selectFrom("plan_versions")
        .select("content_hash")
        .where("plan_id", "=", input.planId)
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst()
    )?.content_hash === input.contentHash;
  // Not compressed (tens of milliseconds for a long plan) for a checkpoint that would be skipped,
  // nor while the transaction holds the plan's version lock.
  if (input.skipIfUnchanged && (await isLatest(getDb()))) return null;
  const stored = new Uint8Array(await deflate(input.state));
  return getDb()
    .transaction()
    .execute(async (trx) => {
      // Instances sharing the plan write its versions one at a time: a checkpoint due on two
      // of them at once is kept once.
      await lockForTransaction(trx, "version", input.planId);
      if (input.skipIfUnchanged && (await isLatest(trx))) return null;
      const { id } = await trx
        .insertInto("plan_versions")
        .values({
          plan_id: input.planId,
          kind: input.kind,
          name: input.name,
          note: input.note,
          state: stored,
          state_encoding: "deflate",
          details: JSON.stringify(input.details),
          content_hash: input.contentHash,
          authors: JSON.stringify(input.authors),
          created_by: input.createdBy,
          created_at: Date.now(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return id;
    });
}

export async function people(ids: number[]): Promise<Map<number, Person>> {
  if (ids.length === 0) return new Map();
  const rows = await getDb()
    .selectFrom("users")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    // No email: versions and compares are read by every member, and addresses are for owners
    // (docs/security.md, item 8).
    .select(["users.id as id", "users.name as name", "organisations.short_name as organisation"])
    .where("users.id", "in", ids)
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/** Everyone who ever wrote in or deleted from the plan (members or not any more), by id. */
export async function listPlanAuthors(planId: string): Promise<Map<number, Person>> {
  const [writers, deletions] = await Promise.all([
    getDb().selectFrom("plan_clients").select("user_id").distinct().where("plan_id", "=", planId).execute(),
    loadDeletions(planId),
  ]);
  return people([...new Set([...writers.map((row) => row.user_id), ...deletions.map((range) => range.userId)])]);
}

/** The plan's versions, newest first (or just `onlyVersionId`). */
export async function listVersions(planId: string, onlyVersionId?: number): Promise<Version[]> {
  let query = getDb()
    .selectFrom("plan_versions")
    .select(["id", "kind", "name", "note", "authors", "created_by", "created_at"])
    .where("plan_id", "=", planId)
    .orderBy("id", "desc");
  if (onlyVersionId !== undefined) query = query.where("id", "=", onlyVersionId);
  const rows = await query.execute();
  const authorIds = rows.map((row) => JSON.parse(row.authors) as number[]);
  const byId = await people([
    ...new Set([...rows.flatMap((row) => (row.created_by === null ? [] : [row.created_by])), ...authorIds.flat()]),
  ]);
  return rows.map((row, i) => ({
    id: row.id,
    name: row.name,
    kind: row.kind,
    note: row.note,
    createdAt: Number(row.created_at),
    createdBy: row.created_by === null ? null : (byId.get(row.created_by) ?? null),
    authors: authorIds[i]!.flatMap((id) => byId.get(id) ?? []),
  }));
}

/** One version with its state and details, or undefined if the plan has no such version. */
export async function getVersion(planId: string, versionId: number) {
  const row = await getDb()
    .selectFrom("plan_versions")
    .selectAll()
    .where("plan_id", "=", planId)
    .where("id", "=", versionId)
    .executeTakeFirst();
  if (!row) return undefined;
  const [summary] = await listVersions(planId, versionId);
  return { ...summary!, state: await versionState(row), details: JSON.parse(row.details) as SectionDetail[] };
}

/** A stored version's Yjs state, as it was stored (compressed, or before 0011 as it is). */
export async function versionState(row: { state: Uint8Array; state_encoding: "yjs" | "deflate" }): Promise<Uint8Array> {
  return new Uint8Array(row.state_encoding === "deflate" ? await inflate(row.state) : row.state);
}

/** A version id from the address: a positive integer written plainly, else null. */
export function versionIdFrom(value: string | undefined): number | null {
  if (!value || !/^[1-9]\d{0,15}$/.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : null;
}

/** The version's document in a Y.Doc of its own. */
export function versionDoc(state: Uint8Array): Y.Doc {
  return readableDoc([state]);
}

/** The id of the plan's newest version, or null when it has none. */
export async function latestVersionId(planId: string): Promise<number | null> {
  const row = await getDb()
    .selectFrom("plan_versions")
    .select("id")
    .where("plan_id", "=", planId)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}
