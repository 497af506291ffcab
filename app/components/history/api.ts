// The history pages' calls to the versions API (docs/versions.md): JSON with the session
// cookie. A refusal comes back with the server's own message, shown where it happened.
import type { Comparison, Version, VersionDetail } from "../../editor/compare-types";

export type ApiResult<T> =
  | { ok: true; value: T }
  /** `status` 0: the request never reached the server. `error`: the server's `{ error }`. */
  | { ok: false; status: number; error: string | null };

function versionsUrl(planId: string): string {
  return `/api/plans/${encodeURIComponent(planId)}/versions`;
}

async function request<T>(method: "GET" | "POST", url: string, body?: unknown, signal?: AbortSignal): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    return { ok: false, status: 0, error: null };
  }
  const payload = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const message = (payload as { error?: unknown } | null)?.error;
    return { ok: false, status: response.status, error: typeof message === "string" && message ? message : null };
  }
  return { ok: true, value: payload as T };
}

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

export function saveVersion(planId: string, name: string, note: string): Promise<ApiResult<{ id: number }>> {
  return request("POST", versionsUrl(planId), note ? { name, note } : { name });
}

/** The whole plan, or only one section when `sectionId` is given. */
export function restoreVersion(planId: string, versionId: number, sectionId?: string): Promise<ApiResult<{ restored: true }>> {
  return request("POST", `${versionsUrl(planId)}/${versionId}/restore`, sectionId ? { sectionId } : {});
}
