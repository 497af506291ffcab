// A consultation round's comment response matrix: one row per thread in the round, with the
// disposition and response the drafting team recorded on the plan page. Read-only here. Owners
// also see whom the round invited and what each answered.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { i18next } from "../i18n/i18next.server";
import { listPlanPeople } from "../models/comment.server";
import { getRound, responseMatrix } from "../models/consultation.server";
import { listRoundInvitations, type RoundInvitation } from "../models/invitation.server";
import { requirePlanPermission } from "../models/permissions.server";
import { isPlanId } from "../models/plan.server";
import { can } from "../models/roles";
import { tokenizeCommentBody, type CommentBodyToken } from "../utils/comment-body";
import { formatDeadline } from "../utils/deadline";
import { suggestionProposal } from "../utils/suggestion-text";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.round.name} · ${data.plan.title} · Gotong` : "Gotong" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const planId = params.planId ?? "";
  const roundId = Number(params.roundId);
  if (!isPlanId(planId) || !Number.isSafeInteger(roundId) || String(roundId) !== params.roundId) {
    throw new Response("Not found", { status: 404 });
  }
  const { plan } = await requirePlanPermission(request, planId, "plan.view");
  const round = await getRound(planId, roundId);
  if (!round) throw new Response("Not found", { status: 404 });
  const [rows, people, locale, invitations] = await Promise.all([
    responseMatrix(plan.id, round.id),
    listPlanPeople(plan.id),
    i18next.getLocale(request),
    can(plan.role, "plan.manage") ? listRoundInvitations(round.id) : null,
  ]);
  return {
    plan: { id: plan.id, title: plan.title },
    round: {
      id: round.id,
      name: round.name,
      isOpen: round.isOpen,
      deadline: formatDeadline(round.deadline, locale),
      closedOn: formatDeadline(round.closedAt ?? round.deadline, locale),
    },
    rows: rows.map((row) => ({
      threadId: row.threadId,
      suggestion: row.suggestion,
      sectionTitle: row.sectionTitle,
      quote: row.quote,
      organisation: row.organisation,
      author: row.author,
      comment: tokenizeCommentBody(row.comment, people),
      isCommentDeleted: row.comment === "",
      disposition: row.disposition,
      response: row.response,
    })),
    invitations,
  };
}

export default function ResponseMatrix() {
  const { t } = useTranslation();
  const { plan, round, rows, invitations } = useLoaderData<typeof loader>();
  const undisposed = rows.filter((row) => row.disposition === null).length;
  return (
    <div className="matrix-page">
      <nav className="breadcrumb" aria-label={t("nav.breadcrumb")}>
        <Link to={`/plans/${plan.id}`}>← {plan.title}</Link>
        <Link to={`/plans/${plan.id}/rounds`}>{t("rounds.backToRounds")}</Link>
      </nav>
      <h1>{t("rounds.matrixTitle", { name: round.name })}</h1>
      <p>
        <span className={`round-badge ${round.isOpen ? "round-open" : "round-closed"}`}>
          {round.isOpen ? t("rounds.isOpen") : t("rounds.isClosed")}
        </span>{" "}
        {round.isOpen ? t("rounds.untilDeadline", { deadline: round.deadline }) : t("rounds.onDate", { date: round.closedOn })}
      </p>
      <div className="matrix-header">
        <p className={undisposed > 0 ? "undisposed-count" : "muted"} data-testid="undisposed-count">
          {rows.length === 0
            ? t("rounds.noThreads")
            : undisposed > 0
              ? t("rounds.undisposed", { count: undisposed, total: rows.length })
              : t("rounds.allDisposed")}
        </p>
        <a href={`/plans/${plan.id}/rounds/${round.id}/responses.csv`} download>
          {t("rounds.downloadCsv")}
        </a>
      </div>
      {rows.length > 0 ? (
        <div className="matrix-scroll">
          <table className="matrix-table">
            <thead>
              <tr>
                <th>{t("rounds.section")}</th>
                <th>{t("rounds.quote")}</th>
                <th>{t("rounds.organisation")}</th>
                <th>{t("rounds.author")}</th>
                <th>{t("rounds.comment")}</th>
                <th>{t("rounds.disposition")}</th>
                <th>{t("rounds.response")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.threadId} data-thread-id={row.threadId} className={row.disposition ? undefined : "is-undisposed"}>
                  <td>{row.sectionTitle || <span className="muted">{t("rounds.removedSection")}</span>}</td>
                  <td>{row.quote ? <q>{row.quote}</q> : <span className="muted">{t("rounds.wholeSection")}</span>}</td>
                  <td>{row.organisation}</td>
                  <td>{row.author}</td>
                  <td className="matrix-comment">
                    {row.suggestion ? (
                      <span className="matrix-suggestion">{suggestionProposal(t, row.suggestion)}</span>
                    ) : row.isCommentDeleted ? (
                      <span className="muted">{t("rounds.commentDeleted")}</span>
                    ) : (
                      <CommentBody tokens={row.comment} />
                    )}
                    <div>
                      <Link to={`/plans/${plan.id}#${row.suggestion ? "suggestion" : "thread"}-${row.threadId}`}>
                        {t("rounds.openThread")}
                      </Link>
                    </div>
                  </td>
                  <td>
                    {row.disposition ? (
                      t(`rounds.dispositions.${row.disposition}`)
                    ) : (
                      <strong className="no-disposition">{t("rounds.noDisposition")}</strong>
                    )}
                  </td>
                  <td className="matrix-comment">{row.response}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {invitations ? <RoundInvitations invitations={invitations} isOpen={round.isOpen} /> : null}
    </div>
  );
}

/** Owners: whom the round invited, and each answer. */
function RoundInvitations({ invitations, isOpen }: { invitations: RoundInvitation[]; isOpen: boolean }) {
  const { t } = useTranslation();
  const answer = (status: RoundInvitation["status"]) =>
    status === "accepted"
      ? t("invitations.statusAccepted")
      : status === "declined"
        ? t("invitations.statusDeclined")
        : isOpen
          ? t("invitations.statusPending")
          : t("invitations.statusUnanswered");
  return (
    <section className="round-invitations" aria-labelledby="round-invitations-heading">
      <h2 id="round-invitations-heading">{t("invitations.roundListTitle")}</h2>
      {invitations.length === 0 ? (
        <p className="muted">{t("invitations.roundListEmpty")}</p>
      ) : (
        <div className="matrix-scroll">
          <table className="members-table">
            <thead>
              <tr>
                <th>{t("invitations.person")}</th>
                <th>{t("members.organisation")}</th>
                <th>{t("invitations.answer")}</th>
              </tr>
            </thead>
            <tbody>
              {invitations.map((invitation) => (
                <tr key={invitation.userId} data-invitation-status={invitation.status}>
                  <td>{invitation.name}</td>
                  <td>{invitation.organisation}</td>
                  <td>
                    <span className={`invitation-status invitation-${invitation.status}`}>{answer(invitation.status)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A body as text nodes, its links and its mentions of members; never markup from the body. */
function CommentBody({ tokens }: { tokens: CommentBodyToken[] }) {
  return (
    <>
      {tokens.map((token, index) =>
        token.type === "link" ? (
          <a key={index} href={token.href} rel="noopener noreferrer nofollow" target="_blank">
            {token.text}
          </a>
        ) : token.type === "mention" ? (
          <span key={index} className="mention">
            @{token.name}
          </span>
        ) : (
          <span key={index}>{token.text}</span>
        ),
      )}
    </>
  );
}

export { ErrorPage as ErrorBoundary } from "../root";
