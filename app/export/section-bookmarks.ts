// The Word bookmark that names a section in the plan's Word export, so that a reviewed copy
// coming back (the Word review import) finds each section by its id, whatever its title became.
// Browser-neutral: the export writes these names and the import reads them.
//
// Word bookmark names are letters, digits and underscores, start with a letter and are at most
// 40 characters (Word drops or renames others). The rule:
// - an id of 1 to 33 letters, digits and dashes (every id Gotong makes, `s-1a2b3c4d`):
//   `gotong_` + the id with each `-` written `_` (`gotong_s_1a2b3c4d`), read back by the reverse;
// - any other id: `gotongx_` + 16 hex digits of a hash of the id, which cannot be read back:
//   match it against the plan's section ids with `sectionBookmarkNames`.

const PREFIX = "gotong_";
const HASHED_PREFIX = "gotongx_";
const READABLE_ID = /^[A-Za-z0-9-]{1,33}$/;
const READABLE_NAME = /^gotong_[A-Za-z0-9_]{1,33}$/;

export function sectionBookmarkName(sectionId: string): string {
  if (READABLE_ID.test(sectionId)) return PREFIX + sectionId.replace(/-/g, "_");
  return HASHED_PREFIX + hash32(sectionId, 0x811c9dc5) + hash32(sectionId, 0x01000193);
}

/** The section id a bookmark name holds, or null when it is not a readable section bookmark. */
export function sectionIdFromBookmark(name: string): string | null {
  return READABLE_NAME.test(name) ? name.slice(PREFIX.length).replace(/_/g, "-") : null;
}

/** Bookmark name → section id for a plan's sections: what an import matches names against
 * (it also finds the hashed names). */
export function sectionBookmarkNames(sectionIds: Iterable<string>): Map<string, string> {
  return new Map([...sectionIds].map((id) => [sectionBookmarkName(id), id]));
}

/** FNV-1a over the UTF-16 code units from `seed`, as 8 hex digits. */
function hash32(text: string, seed: number): string {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
