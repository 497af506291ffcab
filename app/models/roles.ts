// Who may do what on a plan: one rule table, read by the routes, the websocket and the UI.
export const ROLES = ["owner", "editor", "commenter", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, commenter: 1, editor: 2, owner: 3 };

/** The least role each action needs. */
export const PERMISSIONS = {
  "plan.view": "viewer",
  "plan.comment": "commenter",
  "plan.editText": "editor",
  "plan.manage": "owner",
} as const satisfies Record<string, Role>;

export type PlanAction = keyof typeof PERMISSIONS;

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function roleAtLeast(role: Role, least: Role): boolean {
  return RANK[role] >= RANK[least];
}

export function can(role: Role, action: PlanAction): boolean {
  return roleAtLeast(role, PERMISSIONS[action]);
}
