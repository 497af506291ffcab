// transitional: re-exports for server/collab until the merge. Versions live in app/versions/
// (docs/versions.md); server/collab/hub.ts imports these names from here. Once the
// collaboration server's restructure lands, it imports app/versions/version.server directly
// and this file goes.
export { contentHash, currentSectionDetails, saveVersion, versionDoc } from "../versions/version.server";
