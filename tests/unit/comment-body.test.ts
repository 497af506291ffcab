// A comment body becomes text, links and mentions; anything else stays plain text.
import { describe, expect, it } from "vitest";
import { mentionHandles, tokenizeCommentBody, withMentionHandles } from "../../app/utils/comment-body";

const members = [
  { id: 1, name: "Siti Rahma", email: "siti@bappenas.go.id" },
  { id: 2, name: "Budi", email: "budi@ilo.org" },
  { id: 3, name: "Budi Santoso", email: "budi@ilo.org.id" },
];

describe("tokenizeCommentBody", () => {
  it("leaves a body without links or mentions as one text token", () => {
    expect(tokenizeCommentBody("Please add a baseline.", members)).toEqual([{ type: "text", text: "Please add a baseline." }]);
  });

  it("makes links of http, https and mailto runs", () => {
    expect(tokenizeCommentBody("See https://example.org/a?b=1 and mailto:info@example.org or http://x.id", members)).toEqual([
      { type: "text", text: "See " },
      { type: "link", href: "https://example.org/a?b=1", text: "https://example.org/a?b=1" },
      { type: "text", text: " and " },
      { type: "link", href: "mailto:info@example.org", text: "mailto:info@example.org" },
      { type: "text", text: " or " },
      { type: "link", href: "http://x.id", text: "http://x.id" },
    ]);
  });

  it("keeps trailing punctuation out of a link", () => {
    for (const punctuation of [".", ",", ")", "!", "?", "?!", ")."]) {
      const tokens = tokenizeCommentBody(`(see https://example.org/page${punctuation}`, members);
      expect(tokens[1]).toEqual({ type: "link", href: "https://example.org/page", text: "https://example.org/page" });
      expect(tokens[2]).toEqual({ type: "text", text: punctuation });
    }
  });

  it("keeps a closing bracket the address itself opened", () => {
    const tokens = tokenizeCommentBody("https://en.wikipedia.org/wiki/Koperasi_(Indonesia).", members);
    expect(tokens[0]).toMatchObject({ type: "link", href: "https://en.wikipedia.org/wiki/Koperasi_(Indonesia)" });
  });

  it("does not make a link of a bare scheme", () => {
    expect(tokenizeCommentBody("https:// is a scheme", members)).toEqual([{ type: "text", text: "https:// is a scheme" }]);
  });

  it("leaves javascript: and data: addresses as plain text", () => {
    const body = "javascript:alert(1) JAVASCRIPT:alert(2) data:text/html,<b>x</b> vbscript:msgbox";
    expect(tokenizeCommentBody(body, members)).toEqual([{ type: "text", text: body }]);
  });

  it("leaves markup as plain text", () => {
    const body = '<script>alert("x")</script><img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a>';
    expect(tokenizeCommentBody(body, members)).toEqual([{ type: "text", text: body }]);
  });

  it("ends a link at a quote or angle bracket", () => {
    const tokens = tokenizeCommentBody('https://example.org/"onmouseover="alert(1)', members);
    expect(tokens[0]).toEqual({ type: "link", href: "https://example.org/", text: "https://example.org/" });
    expect(tokens[1]).toEqual({ type: "text", text: '"onmouseover="alert(1)' });
  });

  it("makes a mention of @ and a member's email", () => {
    expect(tokenizeCommentBody("@siti@bappenas.go.id can you check?", members)).toEqual([
      { type: "mention", userId: 1, name: "Siti Rahma", text: "@siti@bappenas.go.id" },
      { type: "text", text: " can you check?" },
    ]);
  });

  it("matches the member with the longest email that fits", () => {
    expect(tokenizeCommentBody("cc @budi@ilo.org.id and @budi@ilo.org.", members)).toEqual([
      { type: "text", text: "cc " },
      { type: "mention", userId: 3, name: "Budi Santoso", text: "@budi@ilo.org.id" },
      { type: "text", text: " and " },
      { type: "mention", userId: 2, name: "Budi", text: "@budi@ilo.org" },
      { type: "text", text: "." },
    ]);
  });

  it("matches mentions without regard to case", () => {
    expect(tokenizeCommentBody("@SITI@Bappenas.go.id", members)[0]).toMatchObject({ type: "mention", userId: 1 });
  });

  it("does not mention someone who is not a member, or an email inside a word", () => {
    const body = "@stranger@example.org and mail siti@bappenas.go.id and @siti@bappenas.go.idx";
    expect(tokenizeCommentBody(body, members)).toEqual([{ type: "text", text: body }]);
  });

  it("makes a mention of @ and a member's name, without needing their email (members who are not owners never see it)", () => {
    const withoutEmails = members.map(({ id, name }) => ({ id, name }));
    expect(tokenizeCommentBody("@Budi Santoso and @budi, and @Budiman", withoutEmails)).toEqual([
      { type: "mention", userId: 3, name: "Budi Santoso", text: "@Budi Santoso" },
      { type: "text", text: " and " },
      { type: "mention", userId: 2, name: "Budi", text: "@budi" },
      { type: "text", text: ", and @Budiman" },
    ]);
  });

  it("tells two members with one name apart by organisation, else by id", () => {
    const namesakes = [
      { id: 7, name: "Ani", organisation: "ILO" },
      { id: 8, name: "Ani", organisation: "Bappenas" },
      { id: 9, name: "Ani", organisation: "Bappenas" },
      { id: 10, name: "Dewi", organisation: "ILO" },
    ];
    expect(Object.fromEntries(mentionHandles(namesakes))).toEqual({ 7: "Ani (ILO)", 8: "Ani #8", 9: "Ani #9", 10: "Dewi" });
    expect(
      tokenizeCommentBody("@Ani (ILO) and @Ani #9", namesakes)
        .filter((token) => token.type === "mention")
        .map((token) => token.type === "mention" && token.userId),
    ).toEqual([7, 9]);
  });

  it("writes a mention made with an email as the member's handle", () => {
    expect(withMentionHandles("Thanks @siti@bappenas.go.id, see https://x.id", members)).toBe("Thanks @Siti Rahma, see https://x.id");
  });
});
