// The pages' calls to Gotong's JSON API: the session cookie goes along, and a refusal comes
// back with the server's own message ({ error }) so it can be shown where it happened.
export type ApiResult<T> =
  | { ok: true; value: T }
  /** `status` 0: the request never reached the server. `error`: the server's `{ error }`. */
  | { ok: false; status: number; error: string | null };

export async function requestJson<T>(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<ApiResult<T>> {
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
