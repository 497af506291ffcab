// Who may do what on a plan: one rule table, read by the routes, the websocket and the UI.
export const ROLES = ["owner", "editor", "commenter", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, commenter: 1, editor: 2, owner: 3 };

/** The least role each action needs. */
export const PERMISSIONS = {
  "plan.view": "viewer",
  "plan.comment": "commenter",
  /** Resolve or reopen anyone's thread (a commenter may their own). */
  "comment.resolveAny": "editor",
  /** Comment on a section whose consultation round has closed (the drafting team). */
  "comment.afterRoundCloses": "editor",
  /** Record a consultation disposition and response. */
  "comment.dispose": "editor",
  "plan.editText": "editor",
  /** Propose changes to the text as suggestions (tracked changes, docs/suggestions.md): every
   * commenter's typing is a suggestion, which the server checks in each update. */
  "plan.suggest": "commenter",
  /** Accept or reject anyone's suggestion. */
  "suggestion.resolve": "editor",
  "plan.manage": "owner",
  /** See members' email addresses (everyone else sees names and organisations). */
  "plan.seeEmails": "owner",
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

export const SECTION_STATUSES = ["draft", "in_review", "approved"] as const;
export type SectionStatus = (typeof SECTION_STATUSES)[number];

/** The section workflow: editors move draft ↔ in review; only owners approve, and only
 * owners send an approved section back to draft. */
const STATUS_CHANGES: Record<SectionStatus, Partial<Record<SectionStatus, Role>>> = {
  draft: { in_review: "editor" },
  in_review: { draft: "editor", approved: "owner" },
  approved: { draft: "owner" },
};

export function canChangeStatus(role: Role, from: SectionStatus, to: SectionStatus): boolean {
  const least = STATUS_CHANGES[from][to];
  return least !== undefined && roleAtLeast(role, least);
}

export function statusesReachable(role: Role, from: SectionStatus): SectionStatus[] {
  return SECTION_STATUSES.filter((to) => canChangeStatus(role, from, to));
}
