// A comment's plain-text body split into what a page shows: text, links (only http://,
// https:// and mailto: runs) and @mentions of plan members. Pages render every token as text
// nodes or as an <a> whose href is one of those runs, so no markup from a body is ever used.

export interface MentionableMember {
  id: number;
  name: string;
  email: string;
}

export type CommentBodyToken =
  | { type: "text"; text: string }
  | { type: "link"; href: string; text: string }
  | { type: "mention"; userId: number; name: string; text: string };

const LINK_START = /^(https?:\/\/|mailto:)/i;
/** A link runs until whitespace or a character that never belongs in a typed address. */
const LINK_RUN = /^[^\s<>"'`]+/;
/** Sentence punctuation after an address is not part of it. */
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]$/;
/** An email goes on while this follows; "." only when more of the address comes after it. */
const EMAIL_CHAR = /[A-Za-z0-9_%+@-]/;

export function tokenizeCommentBody(body: string, members: readonly MentionableMember[]): CommentBodyToken[] {
  // Longest emails first, so "@a@b.co.id" is not taken as a shorter member's "@a@b.co".
  const byEmailLength = [...members].filter((m) => m.email).sort((a, b) => b.email.length - a.email.length);
  const tokens: CommentBodyToken[] = [];
  let text = "";
  const flushText = () => {
    if (text) tokens.push({ type: "text", text });
    text = "";
  };

  let index = 0;
  while (index < body.length) {
    const before = index === 0 ? "" : body[index - 1]!;
    const startsWord = !/[A-Za-z0-9]/.test(before);
    if (startsWord && body[index] === "@") {
      const mention = mentionAt(body, index, byEmailLength);
      if (mention) {
        flushText();
        tokens.push({ type: "mention", userId: mention.id, name: mention.name, text: body.slice(index, index + 1 + mention.email.length) });
        index += 1 + mention.email.length;
        continue;
      }
    }
    if (startsWord && LINK_START.test(body.slice(index, index + 8))) {
      const link = linkAt(body, index);
      if (link) {
        flushText();
        tokens.push({ type: "link", href: link, text: link });
        index += link.length;
        continue;
      }
    }
    text += body[index];
    index += 1;
  }
  flushText();
  return tokens;
}

function mentionAt(body: string, at: number, members: readonly MentionableMember[]): MentionableMember | null {
  for (const member of members) {
    const end = at + 1 + member.email.length;
    if (body.slice(at + 1, end).toLowerCase() !== member.email.toLowerCase()) continue;
    const next = body[end] ?? "";
    const continuesAddress = EMAIL_CHAR.test(next) || (next === "." && /[A-Za-z0-9]/.test(body[end + 1] ?? ""));
    if (!continuesAddress) return member;
  }
  return null;
}

function linkAt(body: string, at: number): string | null {
  let link = LINK_RUN.exec(body.slice(at))?.[0] ?? "";
  while (TRAILING_PUNCTUATION.test(link)) {
    // A closing bracket stays when the address opened it: https://en.wikipedia.org/wiki/A_(b)
    const last = link[link.length - 1]!;
    const opening = { ")": "(", "]": "[", "}": "{" }[last];
    if (opening && count(link, opening) >= count(link, last)) break;
    link = link.slice(0, -1);
  }
  const scheme = LINK_START.exec(link)?.[0] ?? "";
  return scheme && link.length > scheme.length ? link : null;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
