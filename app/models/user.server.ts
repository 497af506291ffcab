import { getDb } from "../../db";
import { decoyPasswordHash, hashPassword, verifyPassword } from "./password.server";

export interface UserSummary {
  id: number;
  email: string;
  name: string;
  organisationId: number;
  organisationName: string;
  locale: string | null;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function selectUsers() {
  return getDb()
    .selectFrom("users")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select([
      "users.id as id",
      "users.email as email",
      "users.name as name",
      "users.organisation_id as organisationId",
      "organisations.name as organisationName",
      "users.locale as locale",
    ]);
}

export async function getUserById(userId: number): Promise<UserSummary | undefined> {
  return selectUsers().where("users.id", "=", userId).executeTakeFirst();
}

export async function getUserByEmail(email: string): Promise<UserSummary | undefined> {
  return selectUsers().where("users.email", "=", normaliseEmail(email)).executeTakeFirst();
}

export async function createOrganisation(name: string, shortName: string): Promise<number> {
  const db = getDb();
  const existing = await db.selectFrom("organisations").select("id").where("name", "=", name).executeTakeFirst();
  if (existing) return existing.id;
  const row = await db.insertInto("organisations").values({ name, short_name: shortName }).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

export async function createUser(input: {
  email: string;
  name: string;
  organisationId: number;
  password: string;
  locale?: string | null;
}): Promise<UserSummary> {
  const row = await getDb()
    .insertInto("users")
    .values({
      email: normaliseEmail(input.email),
      name: input.name.trim(),
      organisation_id: input.organisationId,
      password_hash: await hashPassword(input.password),
      locale: input.locale ?? null,
      created_at: Date.now(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return (await getUserById(row.id))!;
}

/** The account for this email and password, or undefined; both cases take the same time. */
export async function verifyLogin(email: string, password: string): Promise<UserSummary | undefined> {
  const row = await getDb()
    .selectFrom("users")
    .select(["id", "password_hash"])
    .where("email", "=", normaliseEmail(email))
    .executeTakeFirst();
  const isValid = await verifyPassword(password, row?.password_hash ?? (await decoyPasswordHash()));
  return row && isValid ? getUserById(row.id) : undefined;
}

export async function setUserLocale(userId: number, locale: string | null): Promise<void> {
  await getDb().updateTable("users").set({ locale }).where("id", "=", userId).execute();
}

export async function listOrganisations(): Promise<{ id: number; name: string; shortName: string }[]> {
  return getDb().selectFrom("organisations").select(["id", "name", "short_name as shortName"]).orderBy("short_name").execute();
}
