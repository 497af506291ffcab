// Users, sessions, plans, members and the update log, against a temporary SQLite file and
// against a real PostgreSQL (tests/helpers/postgres.ts): the same models on both.
import { sql } from "kysely";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, isMigratedToLatest, isPostgres, openDatabase } from "../../db";
import { migrations } from "../../db/migrations";
import { planText, planUpdateFromJSON, PLAN_FRAGMENT } from "../../app/editor/document.server";
import {
  applyStoredUpdates,
  loadClientBindings,
  loadDeletions,
  loadInsertionLedger,
  loadPlanLog,
  loadPlanUpdates,
} from "../../app/models/plan-document.server";
import { compactPlan, countUncompactedUpdates } from "../../server/collab/storage/compaction";
import { appendUpdates, listUpdateIdsAfter, loadUpdatesByIds } from "../../server/collab/storage/sql-update-log";
import { storeVersion } from "../../app/versions/version.server";
import { withLockIfFree } from "../../db/locks";
import {
  addMember,
  blankPlanContent,
  getMemberRole,
  getPlanForMember,
  listPlansForUser,
  setMemberRole,
} from "../../app/models/plan.server";
import { closeRound, openRound } from "../../app/models/consultation.server";
import {
  acceptInvitations,
  declineInvitations,
  type InvitationRuleError,
  inviteOrganisationsToRound,
  inviteToPlan,
  listPendingInvitations,
  listRoundInvitations,
  mayOffer,
} from "../../app/models/invitation.server";
import { can, roleAtLeast } from "../../app/models/roles";
import { createSession, deleteSession, isSessionActive, safeRedirectPath } from "../../app/models/session.server";
import { createOrganisation, createUser, getUserByEmail, verifyLogin } from "../../app/models/user.server";
import { createTestPlan, createTestUser, useTemporaryDatabase } from "../helpers/database";

describe.each(["sqlite", "postgres"] as const)("on %s", (kind) => {
  let database: Awaited<ReturnType<typeof useTemporaryDatabase>>;
  beforeAll(async () => {
    database = await useTemporaryDatabase(kind);
  });
  afterAll(() => database.cleanup());

  it(`runs on ${kind}`, () => {
    expect(isPostgres(getDb())).toBe(kind === "postgres");
  });

  describe("the driver", () => {
    it("rolls back a transaction that throws", async () => {
      const before = await getDb().selectFrom("organisations").select("id").execute();
      await expect(
        getDb()
          .transaction()
          .execute(async (trx) => {
            await trx.insertInto("organisations").values({ name: "Rolled back", short_name: "RB" }).execute();
            throw new Error("abort");
          }),
      ).rejects.toThrow("abort");
      expect(await getDb().selectFrom("organisations").select("id").execute()).toEqual(before);
    });

    it("runs concurrent transactions one after the other, losing nothing", async () => {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          getDb()
            .transaction()
            .execute(async (trx) => {
              await trx
                .insertInto("organisations")
                .values({ name: `Concurrent ${i}`, short_name: `C${i}` })
                .execute();
            }),
        ),
      );
      const rows = await getDb().selectFrom("organisations").select("name").where("name", "like", "Concurrent %").execute();
      expect(rows).toHaveLength(20);
    });

    it("a restart's one-query check finds the database migrated only when it has every migration this build knows", async () => {
      expect(await isMigratedToLatest()).toBe(true);
      const newest = Object.keys(migrations).at(-1)!;
      const db = getDb();
      const { rows } = await sql<{ timestamp: string }>`select timestamp from kysely_migration where name = ${newest}`.execute(db);
      // A migration not applied yet (a newer build on an older database): the Migrator must run.
      await sql`delete from kysely_migration where name = ${newest}`.execute(db);
      expect(await isMigratedToLatest()).toBe(false);
      await sql`insert into kysely_migration (name, timestamp) values (${newest}, ${rows[0]!.timestamp})`.execute(db);
      expect(await isMigratedToLatest()).toBe(true);
      // One this build does not know (an older build on a newer database): the Migrator reports it.
      await sql`insert into kysely_migration (name, timestamp) values (${"9999_from_a_newer_build"}, ${rows[0]!.timestamp})`.execute(db);
      expect(await isMigratedToLatest()).toBe(false);
      await sql`delete from kysely_migration where name = ${"9999_from_a_newer_build"}`.execute(db);
      expect(await isMigratedToLatest()).toBe(true);
    });

    it.skipIf(kind === "postgres")("a new database, without the migration table, is not migrated", async () => {
      const empty = openDatabase(":memory:");
      try {
        expect(await isMigratedToLatest(empty)).toBe(false);
      } finally {
        await empty.destroy();
      }
    });

    // Kysely's insertId is SQLite's last row id; on PostgreSQL the models use returning("id").
    it.skipIf(kind === "postgres")("reports inserted ids and affected rows", async () => {
      const result = await getDb().insertInto("organisations").values({ name: "Counted", short_name: "CT" }).executeTakeFirst();
      expect(Number(result.insertId)).toBeGreaterThan(0);
      const updated = await getDb()
        .updateTable("organisations")
        .set({ short_name: "CT2" })
        .where("name", "=", "Counted")
        .executeTakeFirst();
      expect(Number(updated.numUpdatedRows)).toBe(1);
    });
  });

  describe("users", () => {
    it("signs in with the right password and not with a wrong one", async () => {
      const user = await createTestUser({ password: "a long enough secret" });
      expect((await verifyLogin(user.email, "a long enough secret"))?.id).toBe(user.id);
      expect(await verifyLogin(user.email, "a wrong secret")).toBeUndefined();
      expect(await verifyLogin("nobody@example.org", "a long enough secret")).toBeUndefined();
    });

    it("matches emails whatever their case and spacing", async () => {
      const user = await createTestUser({ password: "case test password" });
      expect((await verifyLogin(`  ${user.email.toUpperCase()} `, "case test password"))?.id).toBe(user.id);
      expect((await getUserByEmail(user.email.toUpperCase()))?.id).toBe(user.id);
    });

    it("stores a salted scrypt hash, never the password", async () => {
      const user = await createTestUser({ password: "never stored in clear" });
      const row = await getDb().selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^scrypt\$/);
      expect(row.password_hash).not.toContain("never stored in clear");
    });
  });

  describe("sessions", () => {
    it("a session is active until it is deleted", async () => {
      const user = await createTestUser();
      const sessionId = await createSession(user.id);
      expect(await isSessionActive(sessionId)).toBe(true);
      await deleteSession(sessionId);
      expect(await isSessionActive(sessionId)).toBe(false);
    });

    it("an expired session is not active", async () => {
      const user = await createTestUser();
      const sessionId = await createSession(user.id);
      await getDb()
        .updateTable("sessions")
        .set({ expires_at: Date.now() - 1 })
        .where("id", "=", sessionId)
        .execute();
      expect(await isSessionActive(sessionId)).toBe(false);
    });

    it("only local paths are used to redirect after sign-in", () => {
      expect(safeRedirectPath("/plans/abc")).toBe("/plans/abc");
      expect(safeRedirectPath("https://evil.example")).toBe("/plans");
      // Browsers drop tabs and newlines from addresses: "/\t/evil.example" would go to evil.example.
      expect(safeRedirectPath("/\t/evil.example")).toBe("/plans");
      expect(safeRedirectPath("/\n/evil.example")).toBe("/plans");
      expect(safeRedirectPath("//evil.example")).toBe("/plans");
      expect(safeRedirectPath("/\\evil.example")).toBe("/plans");
      expect(safeRedirectPath(null)).toBe("/plans");
    });
  });

  describe("plans and members", () => {
    it("the creator owns the plan and sees it in their list", async () => {
      const { planId, owner } = await createTestPlan();
      expect(await getMemberRole(planId, owner.id)).toBe("owner");
      const plans = await listPlansForUser(owner.id);
      expect(plans.map((p) => p.id)).toContain(planId);
      expect(plans.find((p) => p.id === planId)?.role).toBe("owner");
    });

    it("a non-member gets nothing, a member gets their role", async () => {
      const { planId, members } = await createTestPlan(["commenter"]);
      const stranger = await createTestUser();
      expect(await getPlanForMember(planId, stranger.id)).toBeUndefined();
      expect((await getPlanForMember(planId, members.commenter!.id))?.role).toBe("commenter");
      expect(await listPlansForUser(stranger.id)).toEqual([]);
    });

    it("adding an existing member changes their role", async () => {
      const { planId, members } = await createTestPlan(["viewer"]);
      await addMember(planId, members.viewer!.id, "editor");
      expect(await getMemberRole(planId, members.viewer!.id)).toBe("editor");
    });

    it("a new plan starts with one titled section", async () => {
      const { planId } = await createTestPlan();
      const doc = new Y.Doc();
      for (const update of await loadPlanUpdates(planId)) Y.applyUpdate(doc, update);
      expect(doc.getXmlFragment(PLAN_FRAGMENT).length).toBe(1);
      expect(planText(doc)).toBe("Test plan\n");
    });
  });

  describe("invitations", () => {
    async function organisationWith(count: number) {
      const organisationId = await createOrganisation(`Invited ${kind} ${Math.random()}`, "Invited");
      const people = [];
      for (let i = 0; i < count; i += 1) {
        people.push(
          await createUser({
            email: `invited-${kind}-${i}-${Math.random()}@example.org`,
            name: `Invited ${i}`,
            organisationId,
            password: "long enough secret",
          }),
        );
      }
      return { organisationId, people };
    }

    async function roundFor(planId: string, organisationId: number, createdBy: number) {
      return openRound({
        planId,
        name: "Round",
        deadline: Date.now() + 86_400_000,
        sectionIds: [],
        organisationIds: [organisationId],
        createdBy,
      });
    }

    it("a round invites the organisation's people who cannot comment yet and makes nobody a member", async () => {
      const { planId, owner } = await createTestPlan();
      const { organisationId, people } = await organisationWith(3);
      const [stranger, viewer, editor] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
      await addMember(planId, viewer.id, "viewer");
      await addMember(planId, editor.id, "editor");
      const { roundId, invitedCount } = await roundFor(planId, organisationId, owner.id);
      expect(invitedCount).toBe(2);
      expect(await getMemberRole(planId, stranger.id)).toBeUndefined();
      expect(await listPlansForUser(stranger.id)).toEqual([]);
      expect(await getMemberRole(planId, viewer.id)).toBe("viewer");
      const [invitation] = await listPendingInvitations(stranger.id);
      expect(invitation).toMatchObject({ planId, role: "commenter", inviter: { id: owner.id }, round: { id: roundId, name: "Round" } });
      expect(await listPendingInvitations(editor.id)).toEqual([]);
      expect((await listRoundInvitations(roundId)).map((row) => [row.userId, row.status]).sort()).toEqual(
        [
          [stranger.id, "pending"],
          [viewer.id, "pending"],
        ].sort(),
      );
    });

    it("accepting gives the role offered, never less than one already held; declining stays declined for that round", async () => {
      const { planId, owner } = await createTestPlan();
      const { organisationId, people } = await organisationWith(2);
      const [stranger, viewer] = people as [(typeof people)[0], (typeof people)[0]];
      await addMember(planId, viewer.id, "viewer");
      const { roundId } = await roundFor(planId, organisationId, owner.id);
      expect(await acceptInvitations(viewer.id, planId)).toBe("commenter");
      expect(await getMemberRole(planId, viewer.id)).toBe("commenter");
      expect(await declineInvitations(stranger.id, { planId })).toBe(1);
      expect(await acceptInvitations(stranger.id, planId)).toBeNull();
      expect(await getMemberRole(planId, stranger.id)).toBeUndefined();
      // The same round asking again changes nothing.
      expect(
        await getDb()
          .transaction()
          .execute((trx) => inviteOrganisationsToRound(trx, { planId, roundId, organisationIds: [organisationId], invitedBy: owner.id })),
      ).toBe(0);
      expect(await listPendingInvitations(stranger.id)).toEqual([]);
      // The owner may ask again, by hand.
      await inviteToPlan({ planId, invitedBy: owner.id, email: stranger.email, role: "editor" });
      expect(await acceptInvitations(stranger.id, planId)).toBe("editor");
    });

    it("an invitation counts only while its inviter is an owner and its round is open", async () => {
      const { planId, owner } = await createTestPlan();
      const secondOwner = await createTestUser();
      await addMember(planId, secondOwner.id, "owner");
      const invited = await createTestUser();
      await inviteToPlan({ planId, invitedBy: secondOwner.id, email: invited.email, role: "editor" });
      expect(await listPendingInvitations(invited.id)).toHaveLength(1);
      await setMemberRole(planId, secondOwner.id, "editor");
      expect(await listPendingInvitations(invited.id)).toEqual([]);
      expect(await acceptInvitations(invited.id, planId)).toBeNull();

      const { organisationId, people } = await organisationWith(1);
      const { roundId } = await roundFor(planId, organisationId, owner.id);
      expect(await listPendingInvitations(people[0]!.id)).toHaveLength(1);
      await closeRound(planId, roundId);
      expect(await listPendingInvitations(people[0]!.id)).toEqual([]);
    });

    it("only owners invite, never above their own role; members and open invitations are not invited twice", async () => {
      expect(mayOffer("owner", "owner")).toBe(true);
      expect(mayOffer("editor", "viewer")).toBe(false);
      expect(mayOffer(undefined, "viewer")).toBe(false);
      const { planId, owner, members } = await createTestPlan(["editor"]);
      const invited = await createTestUser();
      const reason = (promise: Promise<unknown>) =>
        promise.then(
          () => null,
          (error: InvitationRuleError) => error.reason,
        );
      expect(await reason(inviteToPlan({ planId, invitedBy: members.editor!.id, email: invited.email, role: "viewer" }))).toBe(
        "roleTooHigh",
      );
      expect(await reason(inviteToPlan({ planId, invitedBy: owner.id, email: members.editor!.email, role: "viewer" }))).toBe(
        "alreadyMember",
      );
      expect(await reason(inviteToPlan({ planId, invitedBy: owner.id, email: "nobody@example.org", role: "viewer" }))).toBe(
        "noSuchAccount",
      );
      await inviteToPlan({ planId, invitedBy: owner.id, email: invited.email, role: "viewer" });
      expect(await reason(inviteToPlan({ planId, invitedBy: owner.id, email: invited.email, role: "editor" }))).toBe("alreadyInvited");
    });

    it("declines every invitation from one inviter at once", async () => {
      const invited = await createTestUser();
      const { planId: first, owner } = await createTestPlan();
      const second = (await createTestPlan()).planId;
      await addMember(second, owner.id, "owner");
      await inviteToPlan({ planId: first, invitedBy: owner.id, email: invited.email, role: "viewer" });
      await inviteToPlan({ planId: second, invitedBy: owner.id, email: invited.email, role: "commenter" });
      expect(await listPendingInvitations(invited.id)).toHaveLength(2);
      expect(await declineInvitations(invited.id, { invitedBy: owner.id })).toBe(2);
      expect(await listPendingInvitations(invited.id)).toEqual([]);
      expect(await listPlansForUser(invited.id)).toEqual([]);
    });
  });

  describe("the update log", () => {
    it("stores updates with their authors and binds new client ids", async () => {
      const { planId, members } = await createTestPlan(["editor"]);
      const doc = new Y.Doc();
      for (const update of await loadPlanUpdates(planId)) Y.applyUpdate(doc, update);
      const updates: Uint8Array[] = [];
      doc.on("update", (update: Uint8Array) => updates.push(update));
      doc.getXmlFragment(PLAN_FRAGMENT).insert(0, [new Y.XmlText("x")]);
      await appendUpdates([
        { planId, userId: members.editor!.id, update: updates[0]!, createdAt: Date.now(), newClientIds: [doc.clientID] },
      ]);
      expect((await loadClientBindings(planId)).get(doc.clientID)).toBe(members.editor!.id);
      const rows = await getDb().selectFrom("plan_updates").select("user_id").where("plan_id", "=", planId).orderBy("id").execute();
      expect(rows.map((r) => r.user_id)).toEqual([null, members.editor!.id]);
    });

    it("compaction folds the log into a state and keeps who inserted and deleted what, and when", async () => {
      const { planId, owner, members } = await createTestPlan(["editor"]);
      const initial = await loadPlanUpdates(planId);
      const a = new Y.Doc();
      const b = new Y.Doc();
      for (const update of initial) {
        Y.applyUpdate(a, update);
        Y.applyUpdate(b, update);
      }
      const stored: { userId: number; update: Uint8Array; deletions: [number, number, number][] }[] = [];
      const record = (userId: number) => (update: Uint8Array, origin: unknown) => {
        if (origin === "remote") return;
        const deletions: [number, number, number][] = [];
        for (const [client, ranges] of Y.decodeUpdate(update).ds.clients) for (const r of ranges) deletions.push([client, r.clock, r.len]);
        stored.push({ userId, update, deletions });
      };
      a.on("update", record(owner.id));
      b.on("update", record(members.editor!.id));
      const heading = (doc: Y.Doc) =>
        ((doc.getXmlFragment(PLAN_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText;
      for (const ch of "abc") heading(a).insert(0, ch);
      Y.applyUpdate(b, Y.encodeStateAsUpdate(a), "remote");
      // The editor deletes two of the owner's letters, then types.
      heading(b).delete(0, 2);
      for (const ch of "xyz") heading(b).insert(0, ch);
      const t0 = Date.now();
      await appendUpdates(
        stored.map((s, i) => ({ planId, userId: s.userId, update: s.update, createdAt: t0 + i, newClientIds: [], deletions: s.deletions })),
      );

      const before = new Y.Doc();
      for (const update of await loadPlanUpdates(planId)) Y.applyUpdate(before, update);
      const deletionsBefore = await loadDeletions(planId);
      expect(await countUncompactedUpdates(planId)).toBe(8);

      const { foldedRows } = await compactPlan(planId);
      expect(foldedRows).toBe(8);

      const after = new Y.Doc();
      const updatesAfter = await loadPlanUpdates(planId);
      expect(updatesAfter).toHaveLength(1); // the state alone
      for (const update of updatesAfter) Y.applyUpdate(after, update);
      expect(planText(after)).toBe(planText(before));
      expect(Y.encodeStateVector(after)).toEqual(Y.encodeStateVector(before));
      expect(await countUncompactedUpdates(planId)).toBe(0);
      expect(await getDb().selectFrom("plan_updates").select("id").where("plan_id", "=", planId).execute()).toEqual([]);
      expect(await getDb().selectFrom("plan_deletions").select("user_id").where("plan_id", "=", planId).execute()).toEqual([]);
      // Who deleted: the same ranges by the same person, now from the ledger, with their time.
      expect(deletionsBefore).toEqual([{ client: a.clientID, clock: 1, len: 2, userId: members.editor!.id, at: t0 + 3 }]);
      expect(await loadDeletions(planId)).toEqual(deletionsBefore);
      // When each one's letters were inserted (to the minute: the first of a run's times).
      const insertions = await loadInsertionLedger(planId);
      expect(insertions.find((range) => range.client === a.clientID)).toEqual({ client: a.clientID, clock: 0, len: 3, userId: 0, at: t0 });
      expect(insertions.find((range) => range.client === b.clientID)).toEqual({
        client: b.clientID,
        clock: 0,
        len: 3,
        userId: 0,
        at: t0 + 4,
      });
    });

    it("a compaction whose write fails at its last step leaves the log, the deletions and the state as they were", async () => {
      const { planId, owner } = await createTestPlan();
      const doc = new Y.Doc();
      applyStoredUpdates(doc, await loadPlanUpdates(planId));
      const stored: { update: Uint8Array; deletions: [number, number, number][] }[] = [];
      doc.on("update", (update: Uint8Array) => {
        const deletions: [number, number, number][] = [];
        for (const [client, ranges] of Y.decodeUpdate(update).ds.clients) for (const r of ranges) deletions.push([client, r.clock, r.len]);
        stored.push({ update, deletions });
      });
      const text = new Y.XmlText();
      doc.getXmlFragment(PLAN_FRAGMENT).insert(1, [text]);
      for (let i = 0; i < 30; i += 1) text.insert(text.length, `${i % 10}`);
      text.delete(5, 10);
      await appendUpdates(stored.map((s) => ({ planId, userId: owner.id, ...s, createdAt: Date.now(), newClientIds: [] })));
      const snapshot = async () => {
        const read = new Y.Doc();
        applyStoredUpdates(read, await loadPlanUpdates(planId));
        const document = await getDb().selectFrom("plan_documents").select("state").where("plan_id", "=", planId).executeTakeFirst();
        return {
          text: (read.getXmlFragment(PLAN_FRAGMENT).get(1) as Y.XmlText).toString(),
          rows: await countUncompactedUpdates(planId),
          deletions: await loadDeletions(planId),
          state: document ? Buffer.from(document.state).toString("base64") : null,
        };
      };
      const before = await snapshot();
      expect(before.rows).toBe(33);
      // The disk fails as the folded rows are deleted, after the state and ledgers were written.
      if (kind === "postgres") {
        await sql`create function fail_fold() returns trigger language plpgsql as $$ begin raise exception 'disk I/O error'; end $$`.execute(
          getDb(),
        );
        await sql`create trigger fail_fold before delete on plan_updates for each row execute function fail_fold()`.execute(getDb());
      } else
        await sql`create trigger fail_fold before delete on plan_updates begin select raise(abort, 'disk I/O error'); end`.execute(getDb());
      try {
        await expect(compactPlan(planId)).rejects.toThrow(/disk I\/O error/);
      } finally {
        await sql`drop trigger fail_fold${kind === "postgres" ? sql` on plan_updates` : sql``}`.execute(getDb());
        if (kind === "postgres") await sql`drop function fail_fold`.execute(getDb());
      }
      expect(await snapshot()).toEqual(before);
      expect((await compactPlan(planId)).foldedRows).toBe(33);
      const after = await snapshot();
      expect({ text: after.text, rows: after.rows, deletions: after.deletions }).toEqual({
        text: before.text,
        rows: 0,
        deletions: before.deletions,
      });
    });

    it("stores plain updates one commit after another in order, and the plan's last edit with the first", async () => {
      const { planId, owner } = await createTestPlan();
      const doc = new Y.Doc();
      for (const update of await loadPlanUpdates(planId)) Y.applyUpdate(doc, update);
      const updates: Uint8Array[] = [];
      doc.on("update", (update: Uint8Array) => updates.push(update));
      const paragraph = (doc.getXmlFragment(PLAN_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlElement;
      for (const ch of "abcd") paragraph.insert(0, [new Y.XmlText(ch)]);
      const firstAt = Date.now() + 60_000;
      // The first commit writes the plan's last edit; those after it within the second are
      // one INSERT each on SQLite (sql-update-log.ts).
      const rowIds: number[] = [];
      for (const [i, update] of updates.entries()) {
        rowIds.push(...(await appendUpdates([{ planId, userId: owner.id, update, createdAt: firstAt + i, newClientIds: [] }])));
      }
      expect([...rowIds].sort((a, b) => a - b)).toEqual(rowIds);
      expect(new Set(rowIds).size).toBe(updates.length);
      const read = await loadUpdatesByIds(planId, rowIds);
      expect(read.map((row) => Buffer.from(row.update).toString("base64"))).toEqual(updates.map((u) => Buffer.from(u).toString("base64")));
      const plan = await getDb().selectFrom("plans").select("last_edited_at").where("id", "=", planId).executeTakeFirstOrThrow();
      expect(plan.last_edited_at).toBeGreaterThanOrEqual(firstAt);
    });

    it("gives each stored update its row id, and reads back the rows after one (healing, docs/deployment.md)", async () => {
      const { planId, owner } = await createTestPlan();
      const { lastUpdateId: seedId } = await loadPlanLog(planId);
      expect(seedId).toBeGreaterThan(0);
      const doc = new Y.Doc();
      for (const update of await loadPlanUpdates(planId)) Y.applyUpdate(doc, update);
      const updates: Uint8Array[] = [];
      doc.on("update", (update: Uint8Array) => updates.push(update));
      for (const ch of "abc")
        ((doc.getXmlFragment(PLAN_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlElement).insert(0, [new Y.XmlText(ch)]);
      const rowIds = await appendUpdates([
        { planId, userId: owner.id, update: updates[0]!, createdAt: Date.now(), newClientIds: [] },
        { planId, userId: owner.id, update: null, createdAt: Date.now(), newClientIds: [doc.clientID] },
        { planId, userId: null, update: updates[1]!, createdAt: Date.now(), newClientIds: [] },
        { planId, userId: owner.id, update: updates[2]!, createdAt: Date.now(), newClientIds: [] },
      ]);
      expect(rowIds[1]).toBe(0);
      const [first, , second, third] = rowIds as [number, number, number, number];
      expect(first).toBeGreaterThan(seedId);
      expect(second).toBeGreaterThan(first);
      expect(third).toBeGreaterThan(second);
      expect(await listUpdateIdsAfter(planId, first)).toEqual([
        { id: second, mergedCount: 1 },
        { id: third, mergedCount: 1 },
      ]);
      const read = await loadUpdatesByIds(planId, [third, first]);
      expect(
        read.map((row) => [
          row.rowId,
          row.userId,
          Buffer.from(row.update).equals(Buffer.from(row.rowId === first ? updates[0]! : updates[2]!)),
        ]),
      ).toEqual([
        [first, owner.id, true],
        [third, owner.id, true],
      ]);
      expect((await loadPlanLog(planId)).lastUpdateId).toBe(third);
    });

    it("keeps updates stored while a compaction runs, whichever side of it they land", async () => {
      const { planId, owner } = await createTestPlan();
      const doc = new Y.Doc();
      applyStoredUpdates(doc, await loadPlanUpdates(planId));
      const updates: Uint8Array[] = [];
      doc.on("update", (update: Uint8Array) => updates.push(update));
      const text = new Y.XmlText();
      doc.getXmlFragment(PLAN_FRAGMENT).insert(1, [text]);
      for (let i = 0; i < 300; i += 1) text.insert(text.length, `${i % 10}`);
      await appendUpdates(
        updates.splice(0).map((update) => ({ planId, userId: owner.id, update, createdAt: Date.now(), newClientIds: [] })),
      );
      text.insert(0, "late ");
      const late = updates.splice(0);
      await Promise.all([
        compactPlan(planId),
        appendUpdates(late.map((update) => ({ planId, userId: null, update, createdAt: Date.now(), newClientIds: [] }))),
      ]);
      await compactPlan(planId);
      const after = new Y.Doc();
      applyStoredUpdates(after, await loadPlanUpdates(planId));
      expect((after.getXmlFragment(PLAN_FRAGMENT).get(1) as Y.XmlText).toString()).toBe(text.toString());
      expect(await countUncompactedUpdates(planId)).toBe(0);
    });

    it("compaction waits for enough updates outside the stored state", async () => {
      const { planId } = await createTestPlan();
      expect(await countUncompactedUpdates(planId)).toBe(1);
      expect(await compactPlan(planId, { minUpdates: 2 })).toEqual({ foldedRows: 0 });
      expect(await countUncompactedUpdates(planId)).toBe(1);
      await compactPlan(planId, { minUpdates: 1 });
      expect(await countUncompactedUpdates(planId)).toBe(0);
    });

    it("keeps a checkpoint equal to the latest version once, even when two are saved at the same moment", async () => {
      const { planId } = await createTestPlan();
      const state = Y.encodeStateAsUpdate(new Y.Doc());
      const checkpoint = (contentHash: string) =>
        storeVersion({
          planId,
          kind: "checkpoint",
          name: "",
          note: "",
          state,
          details: [],
          contentHash,
          authors: [],
          createdBy: null,
          skipIfUnchanged: true,
        });
      // Several connections open first, so the three transactions really overlap on PostgreSQL.
      await Promise.all(
        Array.from({ length: 5 }, () => sql`select ${isPostgres(getDb()) ? sql`pg_sleep(0.05)` : sql`1`}`.execute(getDb())),
      );
      const saved = await Promise.all([checkpoint("same"), checkpoint("same"), checkpoint("same")]);
      expect(saved.filter((id) => id !== null)).toHaveLength(1);
      expect(await checkpoint("same")).toBeNull();
      expect(await checkpoint("changed")).not.toBeNull();
      const rows = await getDb().selectFrom("plan_versions").select("content_hash").where("plan_id", "=", planId).orderBy("id").execute();
      expect(rows.map((row) => row.content_hash)).toEqual(["same", "changed"]);
    });

    it("applies a long log from many authors, in order or not, to the same document", () => {
      const doc = new Y.Doc();
      const log: Uint8Array[] = [];
      doc.on("update", (update: Uint8Array) => log.push(update));
      const text = new Y.XmlText();
      doc.getXmlFragment(PLAN_FRAGMENT).insert(0, [text]);
      for (let i = 0; i < 3000; i += 1) {
        doc.clientID = 100 + (i % 7); // seven authors taking turns
        if (i % 10 === 9) text.delete(i % text.length, 1);
        else text.insert((i * 13) % (text.length + 1), String.fromCharCode(97 + (i % 26)));
      }
      const expected = text.toString();
      const fromApply = new Y.Doc();
      applyStoredUpdates(fromApply, log);
      // Out of order too: a later update waits for what it builds on, then applies.
      const fromReversed = new Y.Doc();
      applyStoredUpdates(fromReversed, [...log].reverse());
      for (const copy of [fromApply, fromReversed]) {
        expect((copy.getXmlFragment(PLAN_FRAGMENT).get(0) as Y.XmlText).toString()).toBe(expected);
        expect(Y.encodeStateVector(copy)).toEqual(Y.encodeStateVector(doc));
      }
    });

    it("refuses content outside the schema when a plan is created", () => {
      expect(() => planUpdateFromJSON({ type: "doc", content: [{ type: "paragraph" }] })).toThrow();
      expect(() => planUpdateFromJSON(blankPlanContent("ok"))).not.toThrow();
    });
  });
});

describe("on postgres, work for one instance at a time", () => {
  let database: Awaited<ReturnType<typeof useTemporaryDatabase>>;
  beforeAll(async () => {
    database = await useTemporaryDatabase("postgres");
  });
  afterAll(() => database.cleanup());

  it("compacts more plans at once than the pool has connections", async () => {
    // Each compaction holds a connection for its lock: it must do all its work on that one.
    const plans: Awaited<ReturnType<typeof createTestPlan>>[] = [];
    for (let i = 0; i < 14; i += 1) plans.push(await createTestPlan());
    const outcomes = await Promise.all(plans.map(({ planId }) => compactPlan(planId)));
    expect(outcomes.every((outcome) => outcome.skipped === undefined)).toBe(true);
    for (const { planId } of plans) expect(await countUncompactedUpdates(planId)).toBe(0);
  }, 30_000);

  it("compaction is left to the instance already compacting the plan", async () => {
    const { planId } = await createTestPlan();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Another instance's compaction, holding the lock.
    const other = withLockIfFree(getDb(), "compaction", planId, async () => {
      locked();
      await released;
    });
    await isLocked;
    expect(await compactPlan(planId)).toEqual({ foldedRows: 0, skipped: true });
    expect(await countUncompactedUpdates(planId)).toBe(1);
    release();
    expect(await other).toEqual({ value: undefined });
    expect((await compactPlan(planId)).skipped).toBeUndefined();
    expect(await countUncompactedUpdates(planId)).toBe(0);
  });
});

// Held in memory, not stored: run once.
describe("roles", () => {
  it("ranks owner > editor > commenter > viewer", () => {
    expect(roleAtLeast("owner", "editor")).toBe(true);
    expect(roleAtLeast("commenter", "editor")).toBe(false);
    expect(can("editor", "plan.editText")).toBe(true);
    expect(can("commenter", "plan.editText")).toBe(false);
    expect(can("commenter", "plan.comment")).toBe(true);
    expect(can("viewer", "plan.comment")).toBe(false);
    expect(can("viewer", "plan.view")).toBe(true);
    expect(can("editor", "plan.manage")).toBe(false);
  });
});
