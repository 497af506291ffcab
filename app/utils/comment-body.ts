// A comment's plain-text body split into what a page shows: text, links (only http://,
// https:// and mailto: runs) and @mentions of plan members. Pages render every token as text
// nodes or as an <a> whose href is one of those runs, so no markup from a body is ever used.
//
// A mention is "@" and the member's handle: their name, or when two members share it, their
// name and organisation ("@Budi (ILO)"), else their name and id ("@Budi #7"). Only a plan's
// owners see members' email addresses, so a mention never needs one; "@<email>" is still read
// where the email is known (the server, owners' pages), as older comments were written.

export interface MentionableMember {
  id: number;
  name: string;
  /** Absent for people who may not see it (only owners do). */
  email?: string;
  organisation?: string;
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
/** A name goes on while a letter or digit follows ("@Budi" is not in "@Budiman"). */
const NAME_CHAR = /[\p{L}\p{N}_]/u;

/** Each member's handle, by id: what follows "@" when they are mentioned. */
export function mentionHandles(members: readonly MentionableMember[]): Map<number, string> {
  const key = (text: string) => text.trim().toLowerCase();
  const tally = (keys: string[]) => keys.reduce((counts, k) => counts.set(k, (counts.get(k) ?? 0) + 1), new Map<string, number>());
  const names = tally(members.map((member) => key(member.name)));
  const withOrganisation = (member: MentionableMember) => `${member.name.trim()} (${member.organisation ?? ""})`;
  const qualified = tally(members.filter((member) => names.get(key(member.name))! > 1).map((member) => key(withOrganisation(member))));
  return new Map(
    members.map((member) => {
      if (names.get(key(member.name)) === 1) return [member.id, member.name.trim()];
      if (member.organisation && qualified.get(key(withOrganisation(member))) === 1) return [member.id, withOrganisation(member)];
      return [member.id, `${member.name.trim()} #${member.id}`];
    }),
  );
}

interface MentionForm {
  member: MentionableMember;
  text: string;
  isEmail: boolean;
}

/** The body with every mention written as the member's handle (an "@<email>" becomes "@Name"). */
export function withMentionHandles(body: string, members: readonly MentionableMember[]): string {
  if (!body.includes("@")) return body;
  const handles = mentionHandles(members);
  return tokenizeCommentBody(body, members)
    .map((token) => (token.type === "mention" ? `@${handles.get(token.userId) ?? token.text.slice(1)}` : token.text))
    .join("");
}

export function tokenizeCommentBody(body: string, members: readonly MentionableMember[]): CommentBodyToken[] {
  const handles = mentionHandles(members);
  // Longest first, so "@a@b.co.id" is not taken as a shorter member's "@a@b.co", nor
  // "@Budi Santoso" as "@Budi".
  const forms: MentionForm[] = members
    .flatMap((member) => [
      { member, text: handles.get(member.id)!, isEmail: false },
      ...(member.email ? [{ member, text: member.email, isEmail: true }] : []),
    ])
    .filter((form) => form.text)
    .sort((a, b) => b.text.length - a.text.length);
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
      const mention = mentionAt(body, index, forms);
      if (mention) {
        flushText();
        tokens.push({
          type: "mention",
          userId: mention.member.id,
          name: mention.member.name,
          text: body.slice(index, index + 1 + mention.text.length),
        });
        index += 1 + mention.text.length;
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

function mentionAt(body: string, at: number, forms: readonly MentionForm[]): MentionForm | null {
  for (const form of forms) {
    const end = at + 1 + form.text.length;
    if (body.slice(at + 1, end).toLowerCase() !== form.text.toLowerCase()) continue;
    const next = body[end] ?? "";
    const continues = form.isEmail
      ? EMAIL_CHAR.test(next) || (next === "." && /[A-Za-z0-9]/.test(body[end + 1] ?? ""))
      : NAME_CHAR.test(next);
    if (!continues) return form;
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
