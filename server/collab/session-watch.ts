// Open sockets keep to their session and role: every few seconds each one's session and
// membership are read again (an ended session closes it with 4401, a lost membership with
// 4403, a changed role applies at once); a role change or a sign-out made here applies at once.
import { CLOSE_FORBIDDEN, CLOSE_SESSION_ENDED } from "../../app/collab/protocol";
import { getMemberRole } from "../../app/models/plan.server";
import type { Role } from "../../app/models/roles";
import { isSessionActive } from "../../app/models/session.server";
import { errorFields, log } from "../../app/utils/log.server";
import type { PlanRegistry } from "./plan-registry";
import type { PlanSocket } from "./plan-socket";

/** Closes the sockets among these whose session `isEnded` says has signed out. */
export function closeEndedSessions(sockets: Iterable<PlanSocket>, isEnded: (sessionId: string) => boolean): void {
  for (const socket of [...sockets]) {
    if (isEnded(socket.sessionId)) socket.close(CLOSE_SESSION_ENDED, "session ended; sign in again");
  }
}

/** A socket whose account lost its membership is closed; a changed role applies at once. */
function applyRole(socket: PlanSocket, role: Role | null | undefined): void {
  if (!role) socket.close(CLOSE_FORBIDDEN, "no longer a member of this plan");
  else socket.role = role;
}

export class SessionWatch {
  private readonly timer: NodeJS.Timeout;
  /** A re-check of every socket's session and role is running (see recheckAll). */
  private isRechecking = false;

  constructor(
    private readonly plans: PlanRegistry,
    recheckIntervalMs: number,
  ) {
    this.timer = setInterval(() => void this.recheckAll(), recheckIntervalMs);
    this.timer.unref();
  }

  /** Re-reads every open socket's session and role, unless a re-check is running already. */
  async recheckAll(): Promise<void> {
    if (this.isRechecking) return;
    this.isRechecking = true;
    try {
      await this.recheckEachSocket();
    } finally {
      this.isRechecking = false;
    }
  }

  /** Applies the user's current role on the plan to their sockets on it here. */
  async refreshMember(planId: string, userId: number): Promise<void> {
    const loading = this.plans.loading(planId);
    if (!loading) return;
    const plan = await loading;
    const role = await getMemberRole(planId, userId);
    for (const socket of plan.connections) if (socket.user.id === userId) applyRole(socket, role);
  }

  /** Closes the session's sockets on every plan open here. */
  endSession(sessionId: string): void {
    for (const plan of this.plans.loadedPlans()) closeEndedSessions(plan.connections, (id) => id === sessionId);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async recheckEachSocket(): Promise<void> {
    for (const loading of [...this.plans.eachWhenLoaded()]) {
      const plan = await loading;
      if (!plan) continue;
      for (const socket of [...plan.connections]) {
        try {
          if (!(await isSessionActive(socket.sessionId))) {
            socket.close(CLOSE_SESSION_ENDED, "session ended; sign in again");
            continue;
          }
          applyRole(socket, await getMemberRole(plan.planId, socket.user.id));
        } catch (error) {
          log.error("recheck of a collab socket failed", { ...socket.logFields(), ...errorFields(error) });
        }
      }
    }
  }
}
