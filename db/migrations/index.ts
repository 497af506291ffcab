// Every migration, in order. Imported statically so the server bundle carries them;
// a landed migration is never edited: add the next number instead.
import type { Migration } from "kysely";
import * as m0001 from "./0001_initial";

export const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
};
