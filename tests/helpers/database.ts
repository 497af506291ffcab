// A temporary database per test file, migrated, for tests of the models: an SQLite file, or
// a throwaway PostgreSQL (tests/helpers/postgres.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { closeDb, getDb, migrateToLatest, useDatabase } from "../../db";
import { addMember, createPlan } from "../../app/models/plan.server";
import { createOrganisation, createUser, type UserSummary } from "../../app/models/user.server";
import type { Role } from "../../app/models/roles";
import { startPostgres } from "./postgres";

export async function useTemporaryDatabase(kind: "sqlite" | "postgres" = "sqlite"): Promise<{ cleanup(): Promise<void> }> {
  if (kind === "postgres") {
    const postgres = await startPostgres();
    useDatabase(postgres.url);
    try {
      await migrateToLatest(getDb());
    } catch (error) {
      await closeDb();
      await postgres.stop();
      throw error;
    }
    return {
      cleanup: async () => {
        await closeDb();
        await postgres.stop();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gotong-models-"));
  useDatabase(path.join(dir, "test.db"));
  await migrateToLatest(getDb());
  return {
    cleanup: async () => {
      await closeDb();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

export async function createTestUser(overrides: { password?: string; name?: string } = {}): Promise<UserSummary> {
  counter += 1;
  const organisationId = await createOrganisation(`Organisation ${counter}`, `Org${counter}`);
  return createUser({
    email: `person${counter}-${Date.now()}@example.org`,
    name: overrides.name ?? `Person ${counter}`,
    organisationId,
    password: overrides.password ?? "correct horse battery staple",
  });
}

/** A plan owned by a new user, with one new member per role asked for. */
export async function createTestPlan(memberRoles: Role[] = []) {
  const owner = await createTestUser();
  const planId = await createPlan({ title: "Test plan", description: "", ownerId: owner.id });
  const members: Partial<Record<Role, UserSummary>> = { owner };
  for (const role of memberRoles) {
    const member = await createTestUser();
    await addMember(planId, member.id, role);
    members[role] = member;
  }
  return { planId, owner, members };
}
