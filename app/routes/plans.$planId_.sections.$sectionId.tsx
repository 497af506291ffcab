// Changes a section's details (lead, assignee, status, due date). The rules are checked
// in updateSectionDetails, on the server, whatever the page showed.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requirePlanPermission } from "../models/permissions.server";
import { SECTION_STATUSES } from "../models/roles";
import { SectionRuleError, updateSectionDetails } from "../models/section.server";
import { notifySectionChanged } from "../models/section-notifications.server";
import { log } from "../utils/log.server";

const optionalId = z
  .string()
  .optional()
  .transform((value) => (value === undefined ? undefined : value === "" ? null : Number(value)))
  .refine((value) => value === undefined || value === null || Number.isInteger(value), "not an id");

const DetailsForm = z.object({
  status: z.enum(SECTION_STATUSES).optional(),
  leadOrganisationId: optionalId,
  assigneeUserId: optionalId,
  dueDate: z
    .string()
    .optional()
    .transform((value) => (value === undefined ? undefined : value === "" ? null : value)),
});

const STATUS_BY_REASON: Record<SectionRuleError["reason"], number> = {
  forbidden: 403,
  statusNotAllowed: 403,
  notFound: 404,
  notAMember: 422,
  assigneeCannotEdit: 422,
  noSuchOrganisation: 422,
  badDate: 422,
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const planId = params.planId ?? "";
  const sectionId = params.sectionId ?? "";
  const { user, plan } = await requirePlanPermission(request, planId, "plan.view");
  const parsed = DetailsForm.safeParse(Object.fromEntries(await request.formData()));
  // A resource route: a real Response, so the status reaches the client (single fetch
  // serialises data() from resource routes as 200).
  if (!parsed.success) return Response.json({ ok: false, error: "invalid" }, { status: 422 });
  try {
    const { changedFields, section } = await updateSectionDetails(planId, sectionId, { id: user.id, role: plan.role }, parsed.data);
    if (changedFields.length > 0 && section) {
      log.info("section details changed", { plan: planId, section: sectionId, user: user.id, fields: changedFields });
      context.collab.notifyPlanChanged(planId);
      await notifySectionChanged({ plan, actor: { id: user.id, name: user.name }, sectionId, changedFields, section });
    }
    return Response.json({ ok: true, error: null });
  } catch (error) {
    if (!(error instanceof SectionRuleError)) throw error;
    return Response.json({ ok: false, error: error.reason }, { status: STATUS_BY_REASON[error.reason] });
  }
}
