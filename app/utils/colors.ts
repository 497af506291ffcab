// A person's colour for carets and avatars, the same everywhere they appear.
const PALETTE = ["#b3261e", "#1f6feb", "#1a7f37", "#8250df", "#bf5700", "#0a7ea4", "#c2185b", "#5d4037", "#2e7d32", "#6a1b9a"];

export function userColor(userId: number): string {
  return PALETTE[Math.abs(userId) % PALETTE.length]!;
}

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join("");
}
