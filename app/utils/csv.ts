// CSV that opens cleanly in Excel and LibreOffice: quoted fields, CRLF, a UTF-8 BOM, and
// cells that would start a formula (= + - @) defused with a leading apostrophe.
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: string[][]): string {
  return "\uFEFF" + rows.map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}
