import { useTranslation } from "react-i18next";

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600_000],
  ["month", 30 * 24 * 3600_000],
  ["week", 7 * 24 * 3600_000],
  ["day", 24 * 3600_000],
  ["hour", 3600_000],
  ["minute", 60_000],
];

/** "5 minutes ago", in the interface language. `now` comes from the loader so the server
 * render and the browser agree. */
export function RelativeTime({ time, now }: { time: number; now: number }) {
  const { t, i18n } = useTranslation();
  const elapsed = now - time;
  const unit = UNITS.find(([, ms]) => Math.abs(elapsed) >= ms);
  const label = unit
    ? new Intl.RelativeTimeFormat(i18n.language, { numeric: "auto" }).format(-Math.round(elapsed / unit[1]), unit[0])
    : t("time.justNow");
  return <time dateTime={new Date(time).toISOString()}>{label}</time>;
}

/** A calendar date ("2026-03-31", as due dates are stored) in the interface language:
 * "March 31, 2026" / "31 Maret 2026". Anything else is shown as it is. */
export function formatCalendarDate(isoDate: string, language: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // UTC both ways: a date has no time zone, so it must not shift a day anywhere.
  return new Intl.DateTimeFormat(language, { dateStyle: "long", timeZone: "UTC" }).format(time);
}
