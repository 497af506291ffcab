// The header's bell: a link to the inbox with the number of unread notifications, kept fresh
// while the tab is visible (every minute, and when the tab comes back) without reloading the page.
import { Link, useLocation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

const REFRESH_MS = 60_000;

export function NotificationBell({ unread: fromLoader }: { unread: number }) {
  const { t } = useTranslation();
  const [unread, setUnread] = useState(fromLoader);
  const location = useLocation();
  useEffect(() => setUnread(fromLoader), [fromLoader]);
  useEffect(() => {
    let stopped = false;
    const refresh = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const response = await fetch("/api/notifications?limit=0", { headers: { Accept: "application/json" } });
        if (!response.ok || stopped) return;
        const { unread: count } = (await response.json()) as { unread: number };
        setUnread(count);
      } catch {
        // Offline: the number stays as it was until the next try.
      }
    };
    const timer = setInterval(refresh, REFRESH_MS);
    document.addEventListener("visibilitychange", refresh);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", refresh);
    };
  }, []);
  const isHere = location.pathname === "/notifications";
  return (
    <Link
      to="/notifications"
      className="notification-bell"
      aria-current={isHere ? "page" : undefined}
      aria-label={t("inbox.bell", { count: unread })}
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {unread > 0 ? <span className="notification-count">{unread > 99 ? "99+" : unread}</span> : null}
    </Link>
  );
}
