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
