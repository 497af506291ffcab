// The live plan: one Y.Doc and one websocket for the page, the status and presence they
// drive, and the editor bound to them. Browser only (the socket needs a window).
import * as decoding from "lib0/decoding";
import { useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import type { WebsocketProvider } from "y-websocket";
import {
  CLOSE_CLIENT_ID_TAKEN,
  CLOSE_NOT_A_SUGGESTION,
  CLOSE_FORBIDDEN,
  CLOSE_PLAN_TOO_LARGE,
  CLOSE_SESSION_ENDED,
  MESSAGE_AUTH,
  MESSAGE_PLAN_CHANGED,
  MESSAGE_THREADS_CHANGED,
} from "../collab/protocol";
import { openLiveSession, type LiveSession } from "../collab/live-session";
import type { PlanOpening } from "../collab/opening";
import type { SaveState, SaveTracker } from "../collab/save-status";
import { Avatar } from "./Avatar";
import { MorePeople } from "./MorePeople";
import type { OutlineProps } from "./Outline";
import { PlanEditor } from "./PlanEditor";

export interface WorkspaceUser {
  id: number;
  name: string;
  color: string;
}

export type PlanDetails = Omit<OutlineProps, "editor" | "canEdit">;

export function PlanWorkspace({
  planId,
  planTitle,
  user,
  canEdit,
  details,
}: {
  planId: string;
  planTitle: string;
  user: WorkspaceUser;
  canEdit: boolean;
  details: PlanDetails;
}) {
  const { t } = useTranslation();
  const [session, setSession] = useState<LiveSession | null>(null);
  // The plan's opening (app/collab/opening.ts) once known: undefined until the server answered.
  const [opening, setOpening] = useState<PlanOpening | null | undefined>(undefined);
  const [wasRefused, setWasRefused] = useState(false);
  // Counts the server's "threads changed" notices: the comments fetch again on each.
  const [threadsVersion, setThreadsVersion] = useState(0);
  // Another person changed section details or members: reload the page's data.
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;

  useEffect(() => {
    const live = openLiveSession(planId);
    live.onNotice(MESSAGE_AUTH, (decoder) => {
      decoding.readVarUint(decoder); // permission-denied
      decoding.readVarString(decoder);
      setWasRefused(true);
    });
    live.onNotice(MESSAGE_PLAN_CHANGED, () => revalidate.current());
    live.onNotice(MESSAGE_THREADS_CHANGED, () => setThreadsVersion((version) => version + 1));
    // Notices sent while the socket was down are lost: fetch again after each reconnection.
    let hasSynced = live.provider.synced;
    live.provider.on("sync", (isSynced: boolean) => {
      if (isSynced && hasSynced) setThreadsVersion((version) => version + 1);
      if (isSynced) hasSynced = true;
    });
    setSession(live);
    let isCurrent = true;
    void live.opening.then((value) => {
      if (isCurrent) setOpening(value);
    });
    return () => {
      isCurrent = false;
      setOpening(undefined);
      live.close();
    };
  }, [planId]);

  useEffect(() => {
    if (!session) return;
    const warnIfUnsaved = (event: BeforeUnloadEvent) => {
      if (!session.tracker.hasUnsavedChanges) return;
      event.preventDefault();
      event.returnValue = t("plan.unsavedChanges");
    };
    window.addEventListener("beforeunload", warnIfUnsaved);
    return () => window.removeEventListener("beforeunload", warnIfUnsaved);
  }, [session, t]);

  if (!session || opening === undefined) {
    return <p className="muted editor-loading">{t("plan.loadingEditor")}</p>;
  }
  return (
    <>
      {wasRefused ? (
        <p className="form-error" role="alert">
          {t("plan.permissionDenied")}
        </p>
      ) : null}
      <PlanEditor
        session={session}
        opening={opening}
        planTitle={planTitle}
        user={user}
        canEdit={canEdit}
        details={details}
        threadsVersion={threadsVersion}
        statusBar={
          <div className="workspace-status">
            <Presence provider={session.provider} self={user} />
            <ConnectionStatus tracker={session.tracker} />
          </div>
        }
      />
    </>
  );
}

const SERVER_SNAPSHOT: SaveState = { status: "connecting" };

/** What the page says when the server ends the connection for good, by close code. */
const CLOSE_MESSAGES: Record<
  number,
  | "status.closedSession"
  | "status.closedForbidden"
  | "status.closedPlanTooLarge"
  | "status.closedClientIdTaken"
  | "status.closedNotASuggestion"
> = {
  [CLOSE_NOT_A_SUGGESTION]: "status.closedNotASuggestion",
  [CLOSE_SESSION_ENDED]: "status.closedSession",
  [CLOSE_FORBIDDEN]: "status.closedForbidden",
  [CLOSE_PLAN_TOO_LARGE]: "status.closedPlanTooLarge",
  [CLOSE_CLIENT_ID_TAKEN]: "status.closedClientIdTaken",
};

function ConnectionStatus({ tracker }: { tracker: SaveTracker }) {
  const { t } = useTranslation();
  const state = useSyncExternalStore(
    (onChange) => tracker.subscribe(onChange),
    () => tracker.state,
    () => SERVER_SNAPSHOT,
  );
  const label = state.status === "closed" ? t(CLOSE_MESSAGES[state.closeCode ?? 0] ?? "status.closedOther") : t(`status.${state.status}`);
  return (
    <p className={`connection-status status-${state.status}`} data-status={state.status} role="status" aria-live="polite">
      {label}
    </p>
  );
}

interface PresentUser {
  id: number;
  name: string;
  color: string;
  organisation?: string;
}

/** Avatars the bar has room for beside the tools and the save status: on a phone one, else three.
 * More people than that: the last place says "+N", and its label names them. */
const PRESENCE_PLACES = { phone: 1, wider: 3 };
/** Keep in step with app.css's phone layout (max-width: 640px). */
const PHONE_WIDTH = "(max-width: 640px)";

function Presence({ provider, self }: { provider: WebsocketProvider; self: WorkspaceUser }) {
  const { t } = useTranslation();
  const [people, setPeople] = useState<PresentUser[]>([]);
  const isPhone = useMediaMatches(PHONE_WIDTH);
  useEffect(() => {
    const awareness = provider.awareness;
    const update = () => {
      // Others first, in the order they came, then this page's person: who else is here is what
      // the row is for, and the first to go into "+N" when it is full.
      const byId = new Map<number, PresentUser>();
      for (const [clientId, state] of awareness.getStates()) {
        const person = (state as { user?: PresentUser }).user;
        if (clientId !== awareness.clientID && person && typeof person.id === "number" && person.id !== self.id)
          byId.set(person.id, person);
      }
      const next = [...byId.values(), self];
      // Others' cursors move on every keystroke; the row of people changes only when someone
      // comes, goes or is renamed.
      setPeople((previous) => (JSON.stringify(previous) === JSON.stringify(next) ? previous : next));
    };
    update();
    awareness.on("change", update);
    return () => awareness.off("change", update);
  }, [provider, self]);
  const labelOf = (person: PresentUser) =>
    person.id === self.id ? `${person.name} (${t("plan.you")})` : [person.name, person.organisation].filter(Boolean).join(", ");
  // The row's height must not change as people come and go: beyond its places, a count.
  const places = isPhone ? PRESENCE_PLACES.phone : PRESENCE_PLACES.wider;
  const shown = people.length <= places ? people : people.slice(0, places - 1);
  const rest = people.slice(shown.length);
  const names = rest.map(labelOf).join("; ");
  const restLabel =
    shown.length > 0 ? t("plan.morePeople", { count: rest.length, names }) : t("plan.peopleHereNamed", { count: rest.length, names });
  return (
    <div className="presence" aria-label={t("plan.peopleHere", { count: people.length })}>
      {shown.map((person) => (
        <Avatar key={person.id} name={person.name} color={person.color} label={labelOf(person)} />
      ))}
      {rest.length > 0 && <MorePeople people={rest} labelOf={labelOf} label={restLabel} alone={shown.length === 0} />}
      <span className="muted">{t("plan.peopleHere", { count: people.length })}</span>
    </div>
  );
}

/** Whether the window matches a media query, following it as the window changes (never on the
 * server, where there is no window). */
function useMediaMatches(query: string): boolean {
  // One subscription for as long as the query stays the same, not one per render.
  const subscribe = useCallback(
    (onChange: () => void) => {
      const list = window.matchMedia(query);
      list.addEventListener("change", onChange);
      return () => list.removeEventListener("change", onChange);
    },
    [query],
  );
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(query).matches,
    () => false,
  );
}
