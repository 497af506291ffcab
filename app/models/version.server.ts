// transitional: re-exports for server/collab until the merge. Versions live in app/versions/
// (docs/versions.md); server/collab/hub.ts imports these old names from here. Once the
// collaboration server's restructure lands, it imports app/versions/version.server directly
// (saveVersion is storeVersion there) and this file goes.
export { contentHash, currentSectionDetails, storeVersion, storeVersion as saveVersion, versionDoc } from "../versions/version.server";
