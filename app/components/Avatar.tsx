import { initials } from "../utils/colors";

export function Avatar({ name, color, label }: { name: string; color: string; label?: string }) {
  return (
    <span className="avatar" style={{ backgroundColor: color }} title={label ?? name} aria-label={label ?? name}>
      {initials(name)}
    </span>
  );
}
