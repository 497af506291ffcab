// The history pages' calls to the versions API (docs/versions.md): JSON with the session
// cookie. A refusal comes back with the server's own message, shown where it happened.
import type { Comparison, Version, VersionDetail } from "../../versions/types";
import { requestJson, type ApiResult } from "../../utils/json-api";

export type { ApiResult };

function versionsUrl(planId: string): string {
  return `/api/plans/${encodeURIComponent(planId)}/versions`;
}

const request = requestJson;

export function fetchVersions(planId: string, signal?: AbortSignal): Promise<ApiResult<{ versions: Version[] }>> {
  return request("GET", versionsUrl(planId), undefined, signal);
}

export function fetchVersion(planId: string, versionId: number, signal?: AbortSignal): Promise<ApiResult<VersionDetail>> {
  return request("GET", `${versionsUrl(planId)}/${versionId}`, undefined, signal);
}

export function fetchComparison(
  planId: string,
  from: number,
  to: number | "current",
  signal?: AbortSignal,
): Promise<ApiResult<Comparison>> {
  const query = new URLSearchParams({ from: String(from), to: String(to) });
  return request("GET", `/api/plans/${encodeURIComponent(planId)}/compare?${query}`, undefined, signal);
}

export function requestNamedVersion(planId: string, name: string, note: string): Promise<ApiResult<{ id: number }>> {
  return request("POST", versionsUrl(planId), note ? { name, note } : { name });
}

/** The whole plan, or only one section when `sectionId` is given. */
export function restoreVersion(planId: string, versionId: number, sectionId?: string): Promise<ApiResult<{ restored: true }>> {
  return request("POST", `${versionsUrl(planId)}/${versionId}/restore`, sectionId ? { sectionId } : {});
}
