// What the version routes share.

/** A version id from the address: a positive integer written plainly, else null. */
export function versionIdFrom(value: string | undefined): number | null {
  if (!value || !/^[1-9]\d{0,15}$/.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : null;
}
