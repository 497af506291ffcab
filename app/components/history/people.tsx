// How versions and their people read on the history pages: a version's title, who and when.
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { Person, Version } from "../../versions/types";
import { formatDeadline } from "../../utils/deadline";
import { RelativeTime } from "../RelativeTime";

/** A named version's name; a checkpoint is "Automatic checkpoint". */
export function versionTitle(version: Pick<Version, "kind" | "name">, t: TFunction): string {
  return version.kind === "named" && version.name ? version.name : t("versions.checkpoint");
}

export function personName(person: Person | null, t: TFunction): string {
  return person ? person.name : t("versions.unknownPerson");
}

/** "Tendy Gunawan (ILO)", for tooltips. */
export function personWithOrganisation(person: Person | null, t: TFunction): string {
  return person ? (person.organisation ? `${person.name} (${person.organisation})` : person.name) : t("versions.unknownPerson");
}

/** "5 minutes ago", with the date and time (Jakarta) on hover. */
export function When({ time, now }: { time: number; now: number }) {
  const { i18n } = useTranslation();
  return (
    <span className="version-when" title={formatDeadline(time, i18n.language)}>
      <RelativeTime time={time} now={now} />
    </span>
  );
}

/** Who saved a named version, or who edited before a checkpoint; null when nobody is known. */
export function byline(version: Version, t: TFunction, language: string): string | null {
  if (version.kind === "named") return version.createdBy ? t("versions.savedBy", { name: version.createdBy.name }) : null;
  if (version.authors.length === 0) return null;
  const names = new Intl.ListFormat(language, { type: "conjunction" }).format(version.authors.map((author) => author.name));
  return t("versions.editedBy", { names });
}

/** When a version was made, and by whom. */
export function VersionMeta({ version, now }: { version: Version; now: number }) {
  const { t, i18n } = useTranslation();
  const by = byline(version, t, i18n.language);
  return (
    <p className="version-meta muted">
      <When time={version.createdAt} now={now} />
      {by ? ` · ${by}` : null}
    </p>
  );
}

/** An option in a version picker: "Before review — 25 November 2026 pukul 10.00 WIB". */
export function versionOption(version: Version, t: TFunction, language: string): string {
  return `${versionTitle(version, t)} — ${formatDeadline(version.createdAt, language)}`;
}
