// Every migration, in order. Imported statically so the server bundle carries them;
// a landed migration is never edited: add the next number instead.
import type { Migration } from "kysely";
import * as m0001 from "./0001_initial";
import * as m0002 from "./0002_sections";
import * as m0003 from "./0003_comments";
import * as m0004 from "./0004_versions";
import * as m0005 from "./0005_invitations";
import * as m0006 from "./0006_content_checked";
import * as m0007 from "./0007_suggestions";
import * as m0008 from "./0008_attribution_ledger";
import * as m0009 from "./0009_workflow";
import * as m0010 from "./0010_sign_off";
import * as m0011 from "./0011_version_encoding";
import * as m0012 from "./0012_plan_document_summary";
import * as m0013 from "./0013_plan_document_content";

export const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_sections": m0002,
  "0003_comments": m0003,
  "0004_versions": m0004,
  "0005_invitations": m0005,
  "0006_content_checked": m0006,
  "0007_suggestions": m0007,
  "0008_attribution_ledger": m0008,
  "0009_workflow": m0009,
  "0010_sign_off": m0010,
  "0011_version_encoding": m0011,
  "0012_plan_document_summary": m0012,
  "0013_plan_document_content": m0013,
};
