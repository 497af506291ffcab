// Two versions of a plan (or a version and the current text) compared: which ones, a summary,
// who to show, and the redline inline or side by side. `from` and `to` live in the address.
import { useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Comparison, Person } from "../../versions/types";
import { fetchComparison, fetchVersions } from "./api";
import { CompareSummary } from "./CompareSummary";
import { personWithOrganisation, versionOption } from "./people";
import { Redline, type AuthorFilter } from "./Redline";
import { useApi } from "./use-api";

type Target = number | "current";

function parseVersionId(value: string | null): number | null {
  return value && /^\d+$/.test(value) ? Number(value) : null;
}

export function CompareView({ planId }: { planId: string }) {
  const { t, i18n } = useTranslation();
  const [searchParams, setSearchParams] = useSearchParams();
  const [versionsLoaded] = useApi(planId, (signal) => fetchVersions(planId, signal));
  const versions = versionsLoaded.status === "ready" ? versionsLoaded.value.versions : [];
  const from = parseVersionId(searchParams.get("from"));
  const to: Target = parseVersionId(searchParams.get("to")) ?? "current";

  // Opened without a choice: the newest version against the current text.
  const newest = versions[0];
  useEffect(() => {
    if (from === null && newest) setSearchParams({ from: String(newest.id), to: "current" }, { replace: true });
  }, [from, newest, setSearchParams]);

  const choose = (change: { from?: number; to?: Target }) =>
    setSearchParams({ from: String(change.from ?? from ?? ""), to: String(change.to ?? to) }, { preventScrollReset: true });

  // A version no longer listed (or not yet) still shows as chosen.
  const options = (selected: number | null) => (
    <>
      {versions.map((version) => (
        <option key={version.id} value={version.id}>
          {versionOption(version, t, i18n.language)}
        </option>
      ))}
      {selected !== null && !versions.some((version) => version.id === selected) ? <option value={selected}>#{selected}</option> : null}
    </>
  );

  return (
    <div className="compare-view">
      <div className="compare-pickers">
        <label>
          {t("versions.from")}
          <select value={from ?? ""} onChange={(event) => choose({ from: Number(event.target.value) })}>
            {from === null ? <option value="" /> : null}
            {options(from)}
          </select>
        </label>
        <span aria-hidden="true">→</span>
        <label>
          {t("versions.to")}
          <select value={String(to)} onChange={(event) => choose({ to: parseVersionId(event.target.value) ?? "current" })}>
            <option value="current">{t("versions.current")}</option>
            {options(to === "current" ? null : to)}
          </select>
        </label>
      </div>
      {versionsLoaded.status === "failed" ? (
        <p className="form-error" role="alert">
          {versionsLoaded.error ?? t("versions.loadFailed")}
        </p>
      ) : null}
      {from !== null ? (
        <ComparisonResult key={`${from}-${to}`} planId={planId} from={from} to={to} />
      ) : versionsLoaded.status === "ready" && versions.length === 0 ? (
        <p className="muted">{t("versions.noVersions")}</p>
      ) : null}
    </div>
  );
}

function ComparisonResult({ planId, from, to }: { planId: string; from: number; to: Target }) {
  const { t } = useTranslation();
  const [loaded, reload] = useApi(`${from}/${to}`, (signal) => fetchComparison(planId, from, to, signal));
  const [view, setView] = useState<"inline" | "sideBySide">("inline");
  const [filter, setFilter] = useState<AuthorFilter>({ personId: "", organisation: "", others: "dim" });
  if (loaded.status === "loading") return <p className="muted">{t("versions.comparing")}</p>;
  if (loaded.status === "failed") {
    return (
      <p className="form-error" role="alert">
        {loaded.error ?? t("versions.compareFailed")}{" "}
        <button type="button" className="link-button" onClick={reload}>
          {t("versions.retry")}
        </button>
      </p>
    );
  }
  const comparison = loaded.value;
  const people = changeAuthors(comparison);
  const organisations = [...new Set(people.flatMap((person) => (person?.organisation ? [person.organisation] : [])))].sort();
  const isFiltered = filter.personId !== "" || filter.organisation !== "";

  return (
    <>
      <p>
        <a href={`/plans/${encodeURIComponent(planId)}/compare.docx?from=${from}&to=${to}`} download>
          {t("versions.downloadRedline")}
        </a>
      </p>
      <CompareSummary comparison={comparison} onPickPerson={(personId) => setFilter((f) => ({ ...f, personId }))} />
      <div className="compare-controls">
        <div className="view-toggle" role="group" aria-label={t("versions.view")}>
          {(["inline", "sideBySide"] as const).map((option) => (
            <button
              key={option}
              type="button"
              className={view === option ? "tool is-active" : "tool"}
              aria-pressed={view === option}
              onClick={() => setView(option)}
            >
              {t(`versions.${option}`)}
            </button>
          ))}
        </div>
        <label>
          {t("versions.filterPerson")}
          <select value={filter.personId} onChange={(event) => setFilter((f) => ({ ...f, personId: event.target.value }))}>
            <option value="">{t("versions.everyone")}</option>
            {people.map((person) => (
              <option key={person?.id ?? "unknown"} value={person ? String(person.id) : "unknown"}>
                {personWithOrganisation(person, t)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("versions.filterOrganisation")}
          <select value={filter.organisation} onChange={(event) => setFilter((f) => ({ ...f, organisation: event.target.value }))}>
            <option value="">{t("versions.allOrganisations")}</option>
            {organisations.map((organisation) => (
              <option key={organisation} value={organisation}>
                {organisation}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("versions.others")}
          <select
            value={filter.others}
            disabled={!isFiltered}
            onChange={(event) => setFilter((f) => ({ ...f, others: event.target.value === "hide" ? "hide" : "dim" }))}
          >
            <option value="dim">{t("versions.othersDimmed")}</option>
            <option value="hide">{t("versions.othersHidden")}</option>
          </select>
        </label>
      </div>
      <Redline comparison={comparison} view={view} filter={filter} />
    </>
  );
}

/** Everyone who inserted or deleted something, once each; null for changes by nobody known. */
function changeAuthors(comparison: Comparison): (Person | null)[] {
  const byKey = new Map<string, Person | null>();
  for (const author of [
    ...comparison.summary.byPerson.map((entry) => entry.person),
    ...comparison.changes.map((change) => change.author),
  ]) {
    byKey.set(author ? String(author.id) : "unknown", author);
  }
  return [...byKey.values()].sort((a, b) => (a?.name ?? "\uffff").localeCompare(b?.name ?? "\uffff"));
}
