// The days mail keeps time by: Jakarta's (WIB, UTC+7 all year), the zone consultation deadlines
// are set and shown in (app/utils/deadline.ts).
const WIB_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 24 * 3600_000;
/** The daily digest goes at 07:00 WIB. */
const DIGEST_HOUR = 7;

/** The WIB calendar day a moment falls on, as a count of days (consecutive days differ by 1). */
export function wibDay(time: number): number {
  return Math.floor((time + WIB_OFFSET_MS) / DAY_MS);
}

/** The latest 07:00 WIB at or before `now`: the moment the day's digest gathers up to. */
export function digestSlot(now: number): number {
  const slot = wibDay(now) * DAY_MS - WIB_OFFSET_MS + DIGEST_HOUR * 3600_000;
  return slot <= now ? slot : slot - DAY_MS;
}
