// Consultation deadlines are entered and shown in Jakarta time (WIB: UTC+7, no daylight
// saving), the time the drafting team announces them in, so a deadline reads the same to every
// partner whatever their browser's zone, and the server renders it without guessing one.
const WIB_OFFSET_MS = 7 * 3600_000;

/** Today's date (YYYY-MM-DD) in Jakarta: a due date is overdue once its day has passed there. */
export function jakartaToday(now: number = Date.now()): string {
  return new Date(now + WIB_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether a value is a real calendar date written YYYY-MM-DD (not 2027-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** The instant a `<input type="datetime-local">` value ("2026-11-25T23:59") names in WIB,
 * or null when it is not a real date and time. */
export function parseDeadline(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wallTime = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 30 February over into March (and 24:00 into the next day); a real date
  // and time survives the round trip.
  const check = new Date(wallTime);
  const isReal =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute;
  if (!isReal) return null;
  return wallTime - WIB_OFFSET_MS;
}

/** "25 November 2026 pukul 23.59 WIB" / "November 25, 2026 at 11:59 PM WIB". */
export function formatDeadline(time: number, locale: string): string {
  const formatted = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short", timeZone: "Asia/Jakarta" }).format(time);
  return `${formatted} WIB`;
}

/** "“Financing”, “Market access” and “Capacity”", in the interface language. */
export function formatTitleList(titles: string[], locale: string): string {
  return new Intl.ListFormat(locale, { type: "conjunction" }).format(titles.map((title) => `“${title}”`));
}
