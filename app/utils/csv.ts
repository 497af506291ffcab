// CSV that opens cleanly in Excel and LibreOffice (a UTF-8 BOM, CRLF, fields quoted when they
// hold a separator, a line break or a quote) and in which no cell becomes a formula, whatever
// list separator the spreadsheet uses.
//
// Formula injection (OWASP "CSV Injection"): a cell that starts with = + - @ (or their
// fullwidth forms, which Excel also accepts), a tab or a carriage return is read as a formula.
// Quoting is not enough: Excel set to `;` as list separator (Indonesian regional settings)
// splits our comma-separated file on every `;`, and quotes that no longer open a field are
// plain text, so "x;=cmd|' /C calc'!A0" inside one quoted field still yields a cell "=cmd…".
// So a cell "starts" at the beginning of a field and after every `,` `;` tab, CR or LF inside
// it; where, after any whitespace and double quotes, a formula character follows such a start,
// it gets an apostrophe in front (OWASP's defence: a cell that starts with one is text, and
// spreadsheets hide that apostrophe). A field that starts so gets it as its first character.
// The text changes only there, and a spreadsheet that reads the field whole shows those inner
// apostrophes: "a; -b" becomes "a; '-b". We accept that for never running a formula.
const FORMULA_START = /^[\s"]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const FORMULA_AFTER_SEPARATOR = /([,;\t\r\n][\s"]*)(?=[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/g;
const NEEDS_QUOTES = /[",;\t\r\n]/;

export function csvField(value: string): string {
  const defused = (FORMULA_START.test(value) ? `'${value}` : value).replace(FORMULA_AFTER_SEPARATOR, "$1'");
  return NEEDS_QUOTES.test(defused) || defused !== value ? `"${defused.replace(/"/g, '""')}"` : defused;
}

export function toCsv(rows: string[][]): string {
  return "\uFEFF" + rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}
