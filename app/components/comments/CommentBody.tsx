// A comment's text as React text nodes, with its links and @mentions (app/utils/comment-body.ts).
import { Fragment, useMemo } from "react";
import { tokenizeCommentBody } from "../../utils/comment-body";
import type { Person } from "./types";

export function CommentBody({ body, members, userId }: { body: string; members: readonly Person[]; userId: number }) {
  const tokens = useMemo(() => tokenizeCommentBody(body, members), [body, members]);
  return (
    <p className="comment-body">
      {tokens.map((token, index) =>
        token.type === "text" ? (
          <Fragment key={index}>{token.text}</Fragment>
        ) : token.type === "link" ? (
          <a key={index} href={token.href} rel="noopener noreferrer nofollow" target="_blank">
            {token.text}
          </a>
        ) : (
          <span key={index} className={token.userId === userId ? "mention is-me" : "mention"} title={token.text.slice(1)}>
            @{token.name}
          </span>
        ),
      )}
    </p>
  );
}
