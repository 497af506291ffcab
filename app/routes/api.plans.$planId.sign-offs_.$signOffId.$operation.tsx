// POST …/answer: a person asked approves or refuses (with a reason); POST …/cancel: an owner
// withdraws the request (docs/workflow.md, "Sign-off").
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { answerOf, answerSignOff, cancelSignOff, findSignOff, listSignOffs, MAX_REASON, SignOffRuleError } from "../models/sign-off.server";
import { can } from "../models/roles";
import { jsonError, readJson, requireApiPlan } from "../utils/api.server";
import { signOffRefusal } from "../utils/sign-off-api.server";

const Answer = z.object({ decision: z.enum(["approve", "refuse"]), reason: z.string().max(MAX_REASON).optional().default("") }).strict();

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "POST");
  const { user, plan, t } = await requireApiPlan(request, params.planId, "plan.view");
  const operation = params.operation;
  const requestId = Number(params.signOffId);
  const signOff = Number.isSafeInteger(requestId) && requestId > 0 ? await findSignOff(plan.id, requestId) : undefined;
  if (!signOff || (operation !== "answer" && operation !== "cancel")) return jsonError(404, t("signOff.errors.notFound"));
  const actor = { id: user.id, role: plan.role };
  try {
    if (operation === "cancel") {
      if (!can(plan.role, "plan.manage")) return jsonError(403, t("api.forbidden"));
      await cancelSignOff(plan.id, signOff.id, actor);
      await context.collab.signOffsChanged(plan.id);
    } else {
      const input = await readJson(request, Answer, t);
      // Checked before a version is saved for it; checked again with the answer, in its transaction.
      const answer = await answerOf(signOff.id, user.id);
      if (!answer) throw new SignOffRuleError("notAsked");
      if (signOff.status !== "open") throw new SignOffRuleError("closed");
      if (answer !== "waiting") throw new SignOffRuleError("alreadyAnswered");
      await context.collab.answerSignOff(plan.id, signOff.sectionId, input.decision === "approve", (versionId) =>
        answerSignOff(plan.id, signOff.id, actor, { ...input, versionId }),
      );
    }
  } catch (error) {
    return signOffRefusal(error, t);
  }
  const signOffs = await listSignOffs(plan.id, actor);
  return Response.json(signOffs.find((entry) => entry.id === signOff.id) ?? { id: signOff.id, status: "cancelled" });
}
