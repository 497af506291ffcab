// A socket on a plan as the other parts see it (connection.ts is the one kind there is): the
// live plan sends to it and reads whose presence it speaks for; the session watch and the
// cluster close it or change its role. Declared here so that nothing below the socket edge
// imports the edge.
import type { Role } from "../../app/models/roles";
import type { UserSummary } from "../../app/models/user.server";
import type { PresenceUser } from "./awareness-stamp";

export interface PlanSocket {
  readonly user: UserSummary;
  readonly sessionId: string;
  role: Role;
  /** The awareness ids this socket speaks for now. */
  readonly awarenessClientIds: ReadonlySet<number>;
  readonly presenceUser: PresenceUser;
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
  logFields(): { plan: string; user: number; role: Role };
}
