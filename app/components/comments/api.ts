// The page's calls to the comments API (docs/comments.md): JSON with the session cookie.
// A refusal comes back as the server's own message, so the composer can show it in place.
import type { AnchorRequest } from "../../editor/comment-anchors";
import type { Disposition, Thread, ThreadsResponse } from "./types";
import { requestJson, type ApiResult } from "../../utils/json-api";

export type { ApiResult };

export type NewThread = { body: string; anchor: AnchorRequest } | { body: string; sectionId: string };

function threadsUrl(planId: string): string {
  return `/api/plans/${encodeURIComponent(planId)}/threads`;
}

function threadUrl(planId: string, threadId: string): string {
  return `${threadsUrl(planId)}/${encodeURIComponent(threadId)}`;
}

const request = requestJson;

export function fetchThreads(planId: string, signal: AbortSignal): Promise<ApiResult<ThreadsResponse>> {
  return request("GET", threadsUrl(planId), undefined, signal);
}

export function createThread(planId: string, thread: NewThread): Promise<ApiResult<Thread>> {
  return request("POST", threadsUrl(planId), thread);
}

export function addReply(planId: string, threadId: string, body: string): Promise<ApiResult<Thread>> {
  return request("POST", `${threadUrl(planId, threadId)}/comments`, { body });
}

export function editComment(planId: string, threadId: string, commentId: number, body: string): Promise<ApiResult<Thread>> {
  return request("PATCH", `${threadUrl(planId, threadId)}/comments/${commentId}`, { body });
}

/** The thread as it is now, or `{ deleted: true }` when that was its only comment. */
export function deleteComment(planId: string, threadId: string, commentId: number): Promise<ApiResult<Thread | { deleted: true }>> {
  return request("DELETE", `${threadUrl(planId, threadId)}/comments/${commentId}`);
}

export function setThreadStatus(planId: string, threadId: string, change: "resolve" | "reopen"): Promise<ApiResult<Thread>> {
  return request("POST", `${threadUrl(planId, threadId)}/${change}`);
}

export function recordDisposition(
  planId: string,
  threadId: string,
  disposition: Disposition,
  response: string,
): Promise<ApiResult<Thread>> {
  return request("POST", `${threadUrl(planId, threadId)}/disposition`, { disposition, response });
}

/** Assigns the thread to a member by an optional date (YYYY-MM-DD), or to nobody. */
export function assignThread(
  planId: string,
  threadId: string,
  assigneeId: number | null,
  dueDate: string | null,
): Promise<ApiResult<Thread>> {
  return request("POST", `${threadUrl(planId, threadId)}/assign`, { assigneeId, dueDate });
}
