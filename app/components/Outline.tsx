// The plan's outline: its sections in document order (live, from the editor), each with
// status, lead and assignee; editors add, move and remove sections and edit details here.
import type { Editor } from "@tiptap/react";
import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { addSection, moveSection, readOutline, removeSection, selectSectionTitle, type OutlineEntry } from "../editor/section-commands";
import { statusesReachable, type Role, type SectionStatus } from "../models/roles";
import type { SectionDetails } from "../models/views";
import { useOptionalComments } from "./comments/CommentsContext";
import { MenuButton, type MenuItem } from "./MenuButton";
import { useOptionalSignOffs } from "./SignOffs";
import { formatCalendarDate } from "./RelativeTime";
import { ToolIcon } from "./ToolIcon";

export type SectionDetailsView = SectionDetails;

export interface OutlineProps {
  editor: Editor;
  planId: string;
  role: Role;
  canEdit: boolean;
  details: SectionDetailsView[];
  organisations: { id: number; shortName: string }[];
  members: { userId: number; name: string }[];
}

export const STATUS_LABEL_KEYS = {
  draft: "section.statusDraft",
  in_review: "section.statusInReview",
  approved: "section.statusApproved",
} as const;

/** The sections in document order, read again shortly after each change to the text. */
export function useLiveOutline(editor: Editor): OutlineEntry[] {
  const [outline, setOutline] = useState<OutlineEntry[]>(() => readOutline(editor));
  useEffect(() => {
    // A timer, not requestAnimationFrame: browsers pause frames in background windows, and
    // the outline must be current when the window comes back.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const update = () => {
      clearTimeout(timer);
      // The same sections under the same titles keep the same list: typing elsewhere (which
      // only moves positions) renders nothing.
      timer = setTimeout(() => setOutline((previous) => sameOutline(previous, readOutline(editor))), 50);
    };
    editor.on("update", update);
    update();
    return () => {
      clearTimeout(timer);
      editor.off("update", update);
    };
  }, [editor]);
  return outline;
}

function sameOutline(previous: OutlineEntry[], next: OutlineEntry[]): OutlineEntry[] {
  const isSame =
    previous.length === next.length && previous.every((entry, i) => entry.id === next[i]!.id && entry.title === next[i]!.title);
  return isSame ? previous : next;
}

export function Outline(props: OutlineProps) {
  const { t, i18n } = useTranslation();
  const { editor, canEdit } = props;
  const outline = useLiveOutline(editor);
  const comments = useOptionalComments();
  const signOffs = useOptionalSignOffs();
  const detailsById = new Map(props.details.map((d) => [d.id, d]));
  // One section's guidance or details form is open below its title, from its menu.
  const [panel, setPanel] = useState<{ sectionId: string; kind: PanelKind } | null>(null);
  const closePanel = () => setPanel(null);

  const scrollTo = (id: string) => {
    const element = editor.view.dom.querySelector(`section[data-section-id="${CSS.escape(id)}"]`);
    element?.scrollIntoView({ behavior: "smooth", block: "start" });
    const entry = readOutline(editor).find((e) => e.id === id);
    if (entry)
      editor
        .chain()
        .setTextSelection(entry.pos + 2)
        .focus(undefined, { scrollIntoView: false })
        .run();
  };

  return (
    <nav className="outline" aria-labelledby="outline-heading">
      <h2 id="outline-heading">{t("outline.title")}</h2>
      <ol>
        {outline.map((entry, index) => {
          const title = entry.title || t("outline.untitled");
          const details = detailsById.get(entry.id);
          const status = details?.status ?? "draft";
          const openThreads = comments?.openCountBySection.get(entry.id) ?? 0;
          const signOff = signOffs?.bySection.get(entry.id);
          const signedOff = signOff?.approvers.filter((approver) => approver.state === "approved").length ?? 0;
          return (
            <li key={entry.id} className="outline-item" data-section-id={entry.id}>
              <div className="outline-row">
                <button type="button" className="outline-title" title={title} onClick={() => scrollTo(entry.id)}>
                  {title}
                </button>
                <SectionMenu
                  {...props}
                  title={title}
                  isFirst={index === 0}
                  isLast={index === outline.length - 1}
                  isOnly={outline.length <= 1}
                  sectionId={entry.id}
                  details={details}
                  onOpenPanel={(kind) => setPanel({ sectionId: entry.id, kind })}
                />
              </div>
              <div className="outline-meta">
                <span className={`status-badge status-${status}`} data-testid="section-status">
                  {t(STATUS_LABEL_KEYS[status])}
                </span>
                {comments && openThreads > 0 ? (
                  <button
                    type="button"
                    className="comment-count"
                    data-testid="section-comment-count"
                    aria-label={t("comments.openOnSection", { count: openThreads, title })}
                    title={t("comments.showSectionThreads")}
                    onClick={() => comments.setFilters({ sectionId: entry.id, status: "open" })}
                  >
                    <svg viewBox="0 0 16 16" aria-hidden="true">
                      <path d="M2 3h12v8H6l-3 3v-3H2z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
                    </svg>
                    {openThreads}
                  </button>
                ) : null}
                {signOff ? (
                  <span
                    className={`sign-off-badge is-${signOff.status}`}
                    data-testid="section-sign-off"
                    title={t("signOff.outlineBadgeLabel", { approved: signedOff, total: signOff.approvers.length })}
                  >
                    {t("signOff.outlineBadge", { approved: signedOff, total: signOff.approvers.length })}
                  </span>
                ) : null}
                <span className="muted">{details?.leadOrganisationName ?? t("section.noLead")}</span>
                {details?.assigneeName ? <span className="muted">· {details.assigneeName}</span> : null}
                {details?.dueDate ? (
                  <span className="muted">· {t("section.due", { date: formatCalendarDate(details.dueDate, i18n.language) })}</span>
                ) : null}
              </div>
              {panel?.sectionId === entry.id && panel.kind === "guidance" && details?.guidance ? (
                <OutlinePanel label={t("outline.showGuidance", { title })} onClose={closePanel}>
                  <p>{details.guidance}</p>
                </OutlinePanel>
              ) : null}
              {panel?.sectionId === entry.id && panel.kind === "details" && details && canEdit ? (
                <OutlinePanel label={t("outline.showDetails", { title })} onClose={closePanel}>
                  <DetailsForm {...props} section={details} />
                </OutlinePanel>
              ) : null}
            </li>
          );
        })}
      </ol>
      {canEdit ? (
        <button type="button" className="secondary" onClick={() => addSection(editor, null, t("outline.newSectionTitle"))}>
          + {t("outline.addSection")}
        </button>
      ) : null}
    </nav>
  );
}

type PanelKind = "details" | "guidance";

/** "⋯": the section's actions, one Tab stop per section (app/components/MenuButton.tsx). */
function SectionMenu({
  editor,
  canEdit,
  title,
  sectionId,
  details,
  isFirst,
  isLast,
  isOnly,
  onOpenPanel,
}: Omit<OutlineProps, "details"> & {
  title: string;
  sectionId: string;
  details: SectionDetailsView | undefined;
  isFirst: boolean;
  isLast: boolean;
  isOnly: boolean;
  onOpenPanel: (kind: PanelKind) => void;
}) {
  const { t } = useTranslation();
  const comments = useOptionalComments();
  const signOffs = useOptionalSignOffs();
  const mayAskSignOff = Boolean(signOffs?.ask && details && !signOffs.bySection.has(sectionId));
  if (!canEdit && !comments?.canComment && !mayAskSignOff) return null;
  // Built when the menu opens: the outline has a menu per section.
  const items = (): MenuItem[] => {
    const items: MenuItem[] = [];
    if (canEdit) {
      items.push(
        { label: t("outline.rename"), onSelect: () => selectSectionTitle(editor, sectionId) },
        { label: t("outline.moveUp"), isDisabled: isFirst, onSelect: () => moveSection(editor, sectionId, -1) },
        { label: t("outline.moveDown"), isDisabled: isLast, onSelect: () => moveSection(editor, sectionId, 1) },
      );
    }
    if (comments?.canComment) items.push({ label: t("outline.commentOn"), onSelect: () => comments.startSectionComment(sectionId) });
    if (canEdit && details?.guidance) items.push({ label: t("section.guidance"), onSelect: () => onOpenPanel("guidance") });
    if (canEdit && details) items.push({ label: t("outline.details"), onSelect: () => onOpenPanel("details") });
    if (mayAskSignOff && signOffs?.ask) {
      const ask = signOffs.ask;
      items.push({ label: t("signOff.askSection"), onSelect: () => ask(sectionId) });
    }
    if (canEdit) {
      items.push({
        label: t("outline.remove"),
        isDisabled: isOnly,
        isDanger: true,
        onSelect: () => {
          if (window.confirm(t("outline.confirmRemove", { title }))) removeSection(editor, sectionId);
        },
      });
    }
    return items;
  };
  return <MenuButton label={t("outline.actions", { title })} icon={<ToolIcon name="more" />} items={items} className="outline-actions" />;
}

/** A section's guidance or details under its title; it takes focus when it opens. */
function OutlinePanel({ label, onClose, children }: { label: string; onClose: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    (panel.current?.querySelector<HTMLElement>("select, input, textarea") ?? panel.current)?.focus();
  }, []);
  // Back to the section's menu, where the panel was opened from.
  const close = () => {
    panel.current?.closest(".outline-item")?.querySelector<HTMLElement>(".menu-trigger")?.focus();
    onClose();
  };
  return (
    // Escape from the panel's fields closes it (delegated); the panel itself takes focus.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
    <div
      ref={panel}
      className="outline-panel"
      role="group"
      aria-label={label}
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === "Escape") close();
      }}
    >
      <div className="outline-panel-header">
        <span>{label}</span>
        <button type="button" className="link-button" onClick={close}>
          {t("outline.closePanel")}
        </button>
      </div>
      {children}
    </div>
  );
}

const ERROR_KEYS = {
  forbidden: "section.errorForbidden",
  statusNotAllowed: "section.errorStatusNotAllowed",
  notFound: "section.errorNotFound",
  notAMember: "section.errorNotAMember",
  assigneeCannotEdit: "section.errorAssigneeCannotEdit",
  noSuchOrganisation: "section.errorNoSuchOrganisation",
  badDate: "section.errorBadDate",
  invalid: "section.errorInvalid",
} as const;

function DetailsForm({ planId, role, organisations, members, section }: OutlineProps & { section: SectionDetailsView }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<{ ok: boolean; error: keyof typeof ERROR_KEYS | null }>();
  const statuses: SectionStatus[] = [section.status, ...statusesReachable(role, section.status)];
  const error = fetcher.data && !fetcher.data.ok && fetcher.data.error ? fetcher.data.error : null;
  return (
    <div className="section-details">
      <fetcher.Form
        method="post"
        action={`/plans/${planId}/sections/${section.id}`}
        className="stack compact"
        key={JSON.stringify(section)}
      >
        <label>
          {t("section.status")}
          <select name="status" defaultValue={section.status}>
            {statuses.map((status) => (
              <option key={status} value={status}>
                {t(STATUS_LABEL_KEYS[status])}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("section.lead")}
          <select name="leadOrganisationId" defaultValue={section.leadOrganisationId ?? ""}>
            <option value="">{t("section.none")}</option>
            {organisations.map((organisation) => (
              <option key={organisation.id} value={organisation.id}>
                {organisation.shortName}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("section.assignee")}
          <select name="assigneeUserId" defaultValue={section.assigneeUserId ?? ""}>
            <option value="">{t("section.none")}</option>
            {members.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("section.dueDate")}
          <input type="date" name="dueDate" defaultValue={section.dueDate ?? ""} />
        </label>
        {error ? (
          <p className="form-error" role="alert">
            {t(ERROR_KEYS[error])}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={fetcher.state !== "idle"}>
          {fetcher.state !== "idle" ? t("section.saving") : t("section.saveDetails")}
        </button>
      </fetcher.Form>
    </div>
  );
}
