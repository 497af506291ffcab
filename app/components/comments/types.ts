// The comment shapes the page reads from the JSON API (docs/comments.md, "Addresses").

import type { PersonView as Person, ThreadView as Thread } from "../../models/views";

export type { CommentView as ThreadComment, PersonView as Person, ThreadView as Thread } from "../../models/views";
export { DISPOSITIONS, MAX_COMMENT_LENGTH, type Disposition } from "../../models/comment-rules";

export interface RoundSummary {
  id: number;
  name: string;
  deadline: number;
  isOpen: boolean;
  sectionIds: string[];
}

export interface ThreadsResponse {
  threads: Thread[];
  members: Person[];
  /** Ids of the members a thread may be assigned to. */
  assignable: number[];
  rounds: RoundSummary[];
}
