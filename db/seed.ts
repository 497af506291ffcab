// Demo data: organisations, one account per role, and the demo plan. These accounts exist
// only in this seed (the README lists them); a real deployment creates its own.
import { addComment, createThread } from "../app/models/comment.server";
import { addMember, createPlan } from "../app/models/plan.server";
import { createOrganisation, createUser, getUserByEmail } from "../app/models/user.server";
import { DEMO_PLAN_DESCRIPTION, DEMO_PLAN_ID, DEMO_PLAN_TITLE, DEMO_THREAD, demoPlanContent, demoPlanGuidance } from "./demo-plan";
import type { Role } from "../app/models/roles";

export const DEMO_PASSWORD = "gotong-demo";

const ORGANISATIONS = [
  ["Bappenas (Ministry for National Development Planning)", "Bappenas"],
  ["International Labour Organization", "ILO"],
  ["Ministry of Cooperatives and SMEs", "KemenkopUKM"],
  ["Bina Swadaya", "Bina Swadaya"],
  ["ASEAN SSE Council", "ASEC"],
  ["British Council", "British Council"],
  ["Korea Social Enterprise Promotion Agency", "KoSEA"],
] as const;

export const DEMO_ACCOUNTS: { email: string; name: string; organisation: string; role: Role | null }[] = [
  { email: "planner@bappenas.example", name: "Sri Wahyuni", organisation: "Bappenas", role: "owner" },
  { email: "coop@ilo.example", name: "Tendy Gunawan", organisation: "ILO", role: "editor" },
  { email: "partner@binaswadaya.example", name: "Eri Trinurini", organisation: "Bina Swadaya", role: "commenter" },
  { email: "reviewer@kemenkopukm.example", name: "Destry Anna", organisation: "KemenkopUKM", role: "viewer" },
  { email: "outsider@example.org", name: "Alex Outsider", organisation: "British Council", role: null },
];

/** Creates the demo data unless it is there already. Returns whether it created anything. */
export async function seedDemo(): Promise<boolean> {
  if (await getUserByEmail(DEMO_ACCOUNTS[0]!.email)) return false;
  const organisationIds = new Map<string, number>();
  for (const [name, shortName] of ORGANISATIONS) {
    organisationIds.set(shortName, await createOrganisation(name, shortName));
  }
  const userIds = new Map<string, number>();
  for (const account of DEMO_ACCOUNTS) {
    const user = await createUser({
      email: account.email,
      name: account.name,
      organisationId: organisationIds.get(account.organisation)!,
      password: DEMO_PASSWORD,
    });
    userIds.set(account.email, user.id);
  }
  const ownerId = userIds.get(DEMO_ACCOUNTS[0]!.email)!;
  await createPlan({
    id: DEMO_PLAN_ID,
    title: DEMO_PLAN_TITLE,
    description: DEMO_PLAN_DESCRIPTION,
    ownerId,
    content: demoPlanContent,
    guidance: demoPlanGuidance,
  });
  for (const account of DEMO_ACCOUNTS.slice(1)) {
    if (account.role) await addMember(DEMO_PLAN_ID, userIds.get(account.email)!, account.role);
  }
  // The partner's comment is marked in the demo text already (demo-plan.ts).
  const partnerId = userIds.get("partner@binaswadaya.example")!;
  await createThread({
    id: DEMO_THREAD.id,
    planId: DEMO_PLAN_ID,
    sectionId: DEMO_THREAD.sectionId,
    anchor: "text",
    quote: DEMO_THREAD.quote,
    roundId: null,
    userId: partnerId,
    body: DEMO_THREAD.comment,
    mentions: [],
  });
  await addComment(DEMO_THREAD.id, userIds.get("coop@ilo.example")!, DEMO_THREAD.reply, []);
  return true;
}
