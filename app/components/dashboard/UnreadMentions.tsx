// Mentions the person has not read yet (their unread "mention" notifications), each a link to
// the thread it was in.
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

export interface UnreadMention {
  id: number;
  /** Already in the reader's language: "Sri Wahyuni mentioned you in …". */
  line: string;
  excerpt: string | null;
  url: string;
}

export function UnreadMentions({ mentions }: { mentions: UnreadMention[] }) {
  const { t } = useTranslation();
  if (mentions.length === 0) return null;
  return (
    <section className="todo-block" aria-labelledby="unread-mentions-heading">
      <h2 id="unread-mentions-heading">{t("dashboard.unreadMentions")}</h2>
      <ul className="todo-list">
        {mentions.map((mention) => (
          <li key={mention.id}>
            <Link to={mention.url}>{mention.line}</Link>
            {mention.excerpt ? <q className="todo-excerpt">{mention.excerpt}</q> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
