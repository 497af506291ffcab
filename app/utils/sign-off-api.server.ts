// A sign-off rule the model refused, as the JSON API's answer (403, 404, 409 or 422 with
// `{ error }` in the caller's language); anything else is thrown on.
import type { TFunction } from "i18next";
import { SignOffRuleError } from "../models/sign-off.server";
import { jsonError } from "./api.server";

const STATUS = {
  forbidden: 403,
  notAsked: 403,
  notFound: 404,
  alreadyAsked: 409,
  closed: 409,
  alreadyAnswered: 409,
  sectionNotFound: 422,
  notAMember: 422,
  reasonRequired: 422,
  badDate: 422,
} as const satisfies Record<SignOffRuleError["reason"], number>;

export function signOffRefusal(error: unknown, t: TFunction): Response {
  if (!(error instanceof SignOffRuleError)) throw error;
  return jsonError(
    STATUS[error.reason],
    error.reason === "forbidden" ? t("api.forbidden") : t(`signOff.errors.${error.reason}`),
    error.reason,
  );
}
