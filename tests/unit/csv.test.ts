// CSV exports (app/utils/csv.ts): quoted where a spreadsheet would split, and no cell a formula
// whichever separator the spreadsheet splits on (security issue 20, item 9a).
import { describe, expect, it } from "vitest";
import { csvField, toCsv } from "../../app/utils/csv";

const FORMULA = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Every piece a spreadsheet could take for a cell: split on any separator, honouring our
 * quotes or not, with leading spaces and quotes stripped as a lenient reader would. */
function possibleCells(csv: string): string[] {
  return csv
    .replace(/^\uFEFF/, "")
    .split(/[,;\t\r\n]/)
    .map((cell) => cell.replace(/^[\s"]+/, ""));
}

/** RFC 4180, as Excel reads a file whose separator matches ours. */
function parseCsv(csv: string): string[][] {
  const rows: string[][] = [[]];
  let field = "";
  let quoted = false;
  const text = csv.replace(/^\uFEFF/, "");
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      rows.at(-1)!.push(field);
      field = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      rows.at(-1)!.push(field);
      field = "";
      rows.push([]);
      i++;
    } else field += char;
  }
  rows.pop();
  return rows;
}

describe("csvField", () => {
  it.each([
    ["plain", "plain"],
    ["Bappenas", "Bappenas"],
    ["", ""],
    ["a,b", '"a,b"'],
    ["ILO; Bina Swadaya", '"ILO; Bina Swadaya"'],
    ["tab\there", '"tab\there"'],
    ["line\nbreak", '"line\nbreak"'],
    ["cr\rhere", '"cr\rhere"'],
    ['say "hi"', '"say ""hi"""'],
    ["=HYPERLINK(1)", `"'=HYPERLINK(1)"`],
    ["+62 21 123", `"'+62 21 123"`],
    ["-5", `"'-5"`],
    ["@SUM(A1)", `"'@SUM(A1)"`],
    ["\t=1+1", `"'\t'=1+1"`],
    ["\r=1+1", `"'\r'=1+1"`],
    [" =1+1", `"' =1+1"`],
    ['"=1+1', `"'""=1+1"`],
    ["\uFF1D1+1", `"'\uFF1D1+1"`],
    ["\uFF0B1", `"'\uFF0B1"`],
    ["\uFF0D1", `"'\uFF0D1"`],
    ["\uFF20SUM(1)", `"'\uFF20SUM(1)"`],
    ["x;=cmd|' /C calc'!A0;", `"x;'=cmd|' /C calc'!A0;"`],
    ["a,+1", `"a,'+1"`],
    ["a; -b", `"a; '-b"`],
    ['a;"=1', `"a;""'=1"`],
    ["a\n- b\r\n- c", `"a\n'- b\r\n'- c"`],
    ["a\t@x", `"a\t'@x"`],
    ["x;\uFF1D1", `"x;'\uFF1D1"`],
    ["2026-2027", "2026-2027"],
    ["e-mail", "e-mail"],
    ["a = b", "a = b"],
  ])("writes %j as %j", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe("toCsv", () => {
  it("reads back as the defused values with a parser that honours the quotes", () => {
    const rows = [["a,b", 'q"uote', "x;=cmd|' /C calc'!A0;", "multi\r\nline", "-5", "plain"]];
    expect(parseCsv(toCsv(rows))).toEqual([["a,b", 'q"uote', "x;'=cmd|' /C calc'!A0;", "multi\r\nline", "'-5", "plain"]]);
  });

  it("never leaves a cell that starts a formula, whatever the reader splits on, for random text", () => {
    const alphabet = ["=", "+", "-", "@", "\t", "\r", "\n", ",", ";", '"', " ", "'", "a", "1", "\uFF1D", "\uFF0D", "\u00A0"];
    let seed = 9;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const value = Array.from({ length: 1 + Math.floor(random() * 10) }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
      for (const cell of possibleCells(toCsv([["before", value, "after"]]))) expect(cell, JSON.stringify(value)).not.toMatch(FORMULA);
      expect(parseCsv(toCsv([[value]]))[0]![0]!.replace(/'/g, ""), JSON.stringify(value)).toBe(value.replace(/'/g, ""));
    }
  });
});
