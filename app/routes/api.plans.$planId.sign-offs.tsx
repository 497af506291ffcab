// GET: the plan's sign-offs (every member); POST: an owner asks members to approve a section
// or the whole plan by a date (docs/workflow.md, "Sign-off").
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { listSignOffs, MAX_APPROVERS, requestSignOff } from "../models/sign-off.server";
import { jsonError, readJson, requireApiPlan } from "../utils/api.server";
import { signOffRefusal } from "../utils/sign-off-api.server";

const SignOffRequest = z
  .object({
    sectionId: z.string().min(1).max(200).nullable(),
    approverIds: z.array(z.number().int().positive()).min(1).max(MAX_APPROVERS),
    dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  })
  .strict();

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, plan } = await requireApiPlan(request, params.planId, "plan.view");
  const signOffs = await listSignOffs(plan.id, { id: user.id, role: plan.role });
  return Response.json({ signOffs }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "POST");
  const { user, plan, t } = await requireApiPlan(request, params.planId, "plan.manage");
  const input = await readJson(request, SignOffRequest, t);
  try {
    const id = await requestSignOff(plan.id, { id: user.id, role: plan.role }, input);
    await context.collab.signOffsChanged(plan.id);
    const signOffs = await listSignOffs(plan.id, { id: user.id, role: plan.role });
    return Response.json(
      signOffs.find((signOff) => signOff.id === id),
      { status: 201 },
    );
  } catch (error) {
    return signOffRefusal(error, t);
  }
}
