// Consultation rounds still open on the person's plans, with their deadlines (in WIB, as the
// rounds pages show them), each a link to the round.
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

export interface OpenRound {
  planId: string;
  planTitle: string;
  roundId: number;
  name: string;
  /** Already in the reader's language ("25 November 2026 at 11:59 PM WIB"). */
  deadline: string;
}

export function OpenRounds({ rounds }: { rounds: OpenRound[] }) {
  const { t } = useTranslation();
  if (rounds.length === 0) return null;
  return (
    <section className="todo-block" aria-labelledby="open-rounds-heading">
      <h2 id="open-rounds-heading">{t("dashboard.openRounds")}</h2>
      <ul className="todo-list">
        {rounds.map((round) => (
          <li key={round.roundId}>
            <Link to={`/plans/${round.planId}/rounds/${round.roundId}`}>{round.name}</Link>{" "}
            <span className="muted">· {round.planTitle}</span> <span>· {t("dashboard.roundDeadline", { deadline: round.deadline })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
