// GET: the plan's comment threads; POST: a new thread on a passage or a whole section.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { assignableMemberIds, createThread, listPlanPeople, listThreads, personAsSeenBy } from "../models/comment.server";
import { listRounds, sectionsClosedToPartners } from "../models/consultation.server";
import { jsonError, readJson, requireApiPlan } from "../utils/api.server";
import { checkAssignee, checkBody, checkRound, DueDate, takeCommentPost, threadView } from "../utils/comment-api.server";
import { notifyComment, notifyThreadAssigned } from "../models/comment-notifications.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, plan } = await requireApiPlan(request, params.planId, "plan.view");
  const viewer = { id: user.id, role: plan.role };
  const [anchors, members, rounds] = await Promise.all([
    context.collab.commentAnchors(plan.id),
    listPlanPeople(plan.id),
    listRounds(plan.id),
  ]);
  const threads = await listThreads(plan.id, viewer, anchors, sectionsClosedToPartners(rounds));
  return Response.json(
    {
      threads,
      // For @mentions: names and organisations; email addresses for the plan's owners only.
      members: members.map((member) => personAsSeenBy(viewer, member)),
      // Who a thread may be assigned to: members who can comment (checked again on assigning).
      assignable: await assignableMemberIds(plan.id),
      rounds: rounds.map(({ id, name, deadline, isOpen, sectionIds }) => ({ id, name, deadline, isOpen, sectionIds })),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

/** "Assign to" a member, optionally by a date; given with a new thread or later (…/assign). */
const Assignment = { assigneeId: z.number().int().positive().nullable().optional(), dueDate: DueDate.nullable().optional() };

const NewThread = z.union([
  z
    .object({
      body: z.unknown(),
      anchor: z.object({ from: z.string().max(1000), to: z.string().max(1000), quote: z.string() }).strict(),
      ...Assignment,
    })
    .strict(),
  z.object({ body: z.unknown(), sectionId: z.string().max(100), ...Assignment }).strict(),
]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "POST");
  const { user, plan, t } = await requireApiPlan(request, params.planId, "plan.comment");
  const viewer = { id: user.id, role: plan.role };
  const input = await readJson(request, NewThread, t);
  const { body, mentions } = await checkBody(plan.id, input.body, t);
  const assigneeId = input.assigneeId ?? null;
  if (assigneeId !== null) await checkAssignee(plan.id, assigneeId, t);
  takeCommentPost(user.id, t);
  const dueDate = assigneeId === null ? null : (input.dueDate ?? null);
  const threadId = `t-${crypto.randomUUID()}`;
  let thread: { sectionId: string; quote: string; anchor: "text" | "section" };
  let roundId: number | null = null;

  if ("anchor" in input) {
    const prepared = await context.collab.markComment(plan.id, user.id, input.anchor, threadId, async (sectionId) => {
      roundId = await checkRound(plan.id, sectionId, viewer, t);
    });
    if (!prepared.ok) {
      const status = prepared.reason === "rateLimited" ? 429 : prepared.reason === "tooLarge" ? 413 : 422;
      return jsonError(status, t(`api.anchor.${prepared.reason}`), prepared.reason);
    }
    thread = { sectionId: prepared.sectionId, quote: prepared.quote, anchor: "text" };
  } else {
    if (!(await context.collab.sectionIds(plan.id)).has(input.sectionId)) return jsonError(422, t("api.noSuchSection"));
    roundId = await checkRound(plan.id, input.sectionId, viewer, t);
    thread = { sectionId: input.sectionId, quote: "", anchor: "section" };
  }

  await createThread({ id: threadId, planId: plan.id, ...thread, roundId, userId: user.id, body, mentions, assigneeId, dueDate });
  context.collab.notifyThreadsChanged(plan.id);
  const actor = { id: user.id, name: user.name };
  await notifyComment({ plan, actor, threadId, body, mentions });
  if (assigneeId !== null) {
    await notifyThreadAssigned({ plan, actor, threadId, assigneeId, dueDate, title: thread.quote || body });
  }
  return Response.json(await threadView(context, plan.id, viewer, threadId), { status: 201 });
}
