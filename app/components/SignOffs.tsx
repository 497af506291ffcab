// Sign-off on the plan page (docs/workflow.md, "Sign-off"): the requests with who approved and
// who is waiting, "Approve" and "Refuse" for the person asked, and the owner's "Ask for
// sign-off" dialog, opened from here (the whole plan) or from a section's menu in the outline.
import { useRevalidator, useSearchParams } from "@remix-run/react";
import { createContext, useContext, useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { SignOffView } from "../models/sign-off-types";
import { ModalDialog, useModalDialog } from "./ModalDialog";
import { formatCalendarDate } from "./RelativeTime";
import { jakartaToday } from "../utils/deadline";

export interface SignOffCandidate {
  userId: number;
  name: string;
  organisationName: string;
}

interface SignOffContextValue {
  planId: string;
  signOffs: SignOffView[];
  /** The open or approved request on each section. */
  bySection: Map<string, SignOffView>;
  /** Owners: opens the dialog to ask for sign-off of a section (or of the whole plan: null). */
  ask: ((sectionId: string | null) => void) | null;
}

const SignOffContext = createContext<SignOffContextValue | null>(null);

/** The page's sign-offs, for the outline (null outside a plan page). */
export function useOptionalSignOffs(): SignOffContextValue | null {
  return useContext(SignOffContext);
}

export function SignOffProvider({
  planId,
  signOffs,
  candidates,
  sections,
  children,
}: {
  planId: string;
  signOffs: SignOffView[];
  /** The members an owner may ask; null for everyone else. */
  candidates: SignOffCandidate[] | null;
  sections: { id: string; title: string }[];
  children: ReactNode;
}) {
  const dialog = useModalDialog();
  const [target, setTarget] = useState("");
  const value: SignOffContextValue = {
    planId,
    signOffs,
    bySection: new Map(signOffs.flatMap((signOff) => (signOff.sectionId === null ? [] : [[signOff.sectionId, signOff] as const]))),
    ask: candidates ? (sectionId) => dialog.open(() => setTarget(sectionId ?? "")) : null,
  };
  return (
    <SignOffContext.Provider value={value}>
      {children}
      {candidates ? (
        <AskDialog
          dialog={dialog}
          planId={planId}
          target={target}
          onTargetChange={setTarget}
          candidates={candidates}
          sections={sections}
          signOffs={signOffs}
        />
      ) : null}
    </SignOffContext.Provider>
  );
}

/** JSON to the sign-off API; the server's message when it refuses. */
async function post(path: string, body?: unknown): Promise<string | null> {
  try {
    const response = await fetch(path, {
      method: "POST",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.ok) return null;
    const answer = (await response.json().catch(() => ({}))) as { error?: string };
    return answer.error ?? "";
  } catch {
    return "";
  }
}

function AskDialog({
  dialog,
  planId,
  target,
  onTargetChange,
  candidates,
  sections,
  signOffs,
}: {
  dialog: ReturnType<typeof useModalDialog>;
  planId: string;
  /** A section id, or "" for the whole plan. */
  target: string;
  onTargetChange: (target: string) => void;
  candidates: SignOffCandidate[];
  sections: { id: string; title: string }[];
  signOffs: SignOffView[];
}) {
  const { t } = useTranslation();
  const revalidator = useRevalidator();
  const [error, setError] = useState<string | null>(null);
  const [isSending, setIsSending] = useState(false);
  const asked = new Set(signOffs.map((signOff) => signOff.sectionId ?? ""));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const approverIds = form.getAll("approverId").map(Number);
    const dueDate = String(form.get("dueDate") ?? "");
    if (approverIds.length === 0) return setError(t("signOff.pickSomeone"));
    if (!dueDate) return setError(t("signOff.pickDate"));
    setIsSending(true);
    const refused = await post(`/api/plans/${planId}/sign-offs`, { sectionId: target || null, approverIds, dueDate });
    setIsSending(false);
    if (refused !== null) return setError(refused || t("signOff.failed"));
    setError(null);
    formElement.reset();
    dialog.ref.current?.close();
    revalidator.revalidate();
  };

  return (
    <ModalDialog dialog={dialog} title={t("signOff.dialogTitle")} className="sign-off-dialog">
      <form className="stack compact" onSubmit={(event) => void submit(event)} data-testid="sign-off-form">
        <label>
          {t("signOff.what")}
          <select name="target" value={target} onChange={(event) => onTargetChange(event.target.value)}>
            <option value="" disabled={asked.has("")}>
              {t("signOff.wholePlan")}
            </option>
            {sections.map((section) => (
              <option key={section.id} value={section.id} disabled={asked.has(section.id)}>
                {t("signOff.sectionOption", { title: section.title })}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="sign-off-people">
          <legend>{t("signOff.who")}</legend>
          <p className="muted">{t("signOff.whoHelp")}</p>
          {candidates.map((person) => (
            <label key={person.userId} className="checkbox-row">
              <input type="checkbox" name="approverId" value={person.userId} />
              <span>
                {person.name} <span className="muted">· {person.organisationName}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <label>
          {t("signOff.dueDate")}
          <input type="date" name="dueDate" min={jakartaToday()} required />
        </label>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={isSending}>
          {isSending ? t("signOff.sending") : t("signOff.send")}
        </button>
      </form>
    </ModalDialog>
  );
}

/** The requests on the plan, above the text; hidden when there are none and nobody may ask. */
export function SignOffPanel() {
  const { t } = useTranslation();
  const context = useOptionalSignOffs();
  if (!context || (context.signOffs.length === 0 && !context.ask)) return null;
  const { signOffs, ask } = context;
  return (
    <section className="sign-off-panel" aria-labelledby="sign-off-heading">
      <div className="sign-off-panel-header">
        <h2 id="sign-off-heading" title={t("signOff.help")}>
          {t("signOff.title")}
        </h2>
        {ask && !signOffs.some((signOff) => signOff.sectionId === null) ? (
          <button type="button" className="plain small" onClick={() => ask(null)}>
            {t("signOff.askPlan")}
          </button>
        ) : null}
      </div>
      <ul className="sign-off-list">
        {signOffs.map((signOff) => (
          <SignOffItem key={signOff.id} signOff={signOff} planId={context.planId} />
        ))}
      </ul>
    </section>
  );
}

function SignOffItem({ signOff, planId }: { signOff: SignOffView; planId: string }) {
  const { t, i18n } = useTranslation();
  const revalidator = useRevalidator();
  const [searchParams] = useSearchParams();
  const [isRefusing, setIsRefusing] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [isSending, setIsSending] = useState(false);
  const approved = signOff.approvers.filter((approver) => approver.state === "approved").length;
  const target = signOff.sectionId === null ? t("signOff.targetPlan") : t("signOff.targetSection", { title: signOff.sectionTitle ?? "" });

  const send = async (operation: "answer" | "cancel", body?: unknown) => {
    setIsSending(true);
    const refused = await post(`/api/plans/${planId}/sign-offs/${signOff.id}/${operation}`, body);
    setIsSending(false);
    if (refused !== null) return setError(refused || t("signOff.failed"));
    setError(null);
    setIsRefusing(false);
    revalidator.revalidate();
  };

  return (
    <li
      className={`sign-off-item is-${signOff.status}${searchParams.get("signOff") === String(signOff.id) ? " is-target" : ""}`}
      data-testid="sign-off"
      data-status={signOff.status}
    >
      <div className="sign-off-summary">
        <strong>{target}</strong>{" "}
        <span className={`status-badge status-${signOff.status === "approved" ? "approved" : "in_review"}`}>
          {signOff.status === "approved"
            ? t("signOff.approvedByAll")
            : t("signOff.progress", { approved, total: signOff.approvers.length })}
        </span>{" "}
        <span className="muted">
          {t("signOff.due", { date: formatCalendarDate(signOff.dueDate, i18n.language) })}
          {signOff.requestedBy ? ` · ${t("signOff.askedBy", { name: signOff.requestedBy.name })}` : null}
        </span>
      </div>
      <ul className="sign-off-approvers">
        {signOff.approvers.map((approver) => (
          <li key={approver.id} className={`approver is-${approver.state}`} data-state={approver.state}>
            <span aria-hidden="true" className="approver-mark">
              {approver.state === "approved" ? "✓" : approver.state === "refused" ? "✕" : "…"}
            </span>{" "}
            {approver.name} <span className="muted">({approver.organisation})</span>:{" "}
            {t(
              approver.state === "approved"
                ? "signOff.stateApproved"
                : approver.state === "refused"
                  ? "signOff.stateRefused"
                  : "signOff.stateWaiting",
            )}
            {approver.versionId !== null ? (
              <>
                {" · "}
                <a href={`/plans/${planId}/history/${approver.versionId}`}>{t("signOff.approvedText")}</a>
              </>
            ) : null}
            {approver.reason ? <q className="sign-off-reason">{approver.reason}</q> : null}
          </li>
        ))}
      </ul>
      {signOff.canAnswer ? (
        <div className="sign-off-answer">
          <p>{t("signOff.youAreAsked")}</p>
          {isRefusing ? (
            <form
              className="stack compact"
              onSubmit={(event) => {
                event.preventDefault();
                if (!reason.trim()) return setError(t("signOff.errors.reasonRequired"));
                void send("answer", { decision: "refuse", reason });
              }}
            >
              <label>
                {t("signOff.reasonLabel")}
                <textarea value={reason} onChange={(event) => setReason(event.target.value)} maxLength={2000} rows={3} required />
              </label>
              <div className="sign-off-buttons">
                <button type="submit" className="primary" disabled={isSending}>
                  {t("signOff.sendRefusal")}
                </button>
                <button type="button" className="plain" onClick={() => setIsRefusing(false)}>
                  {t("signOff.cancel")}
                </button>
              </div>
            </form>
          ) : (
            <div className="sign-off-buttons">
              <button type="button" className="primary" disabled={isSending} onClick={() => void send("answer", { decision: "approve" })}>
                {t("signOff.approve")}
              </button>
              <button type="button" className="plain" disabled={isSending} onClick={() => setIsRefusing(true)}>
                {t("signOff.refuse")}
              </button>
            </div>
          )}
        </div>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {signOff.canCancel ? (
        <button
          type="button"
          className="link-button sign-off-cancel"
          disabled={isSending}
          onClick={() => {
            if (window.confirm(t("signOff.confirmCancel"))) void send("cancel");
          }}
        >
          {t("signOff.cancelRequest")}
        </button>
      ) : null}
    </li>
  );
}
