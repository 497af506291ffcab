// The history and compare components run in the browser: they import the versions feature's
// browser-safe modules (types.ts, labels.ts) and never a *.server.ts file, not even for types,
// and those modules import nothing server-side either.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function importsOf(file: string): string[] {
  const source = readFileSync(path.join(root, file), "utf8");
  return [...source.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((match) => match[1]!);
}

it("the history components and the feature's browser-safe modules import no *.server module", () => {
  const browserFiles = [
    ...readdirSync(path.join(root, "app/components/history")).map((name) => `app/components/history/${name}`),
    ...readdirSync(path.join(root, "app/versions"))
      .filter((name) => !name.includes(".server."))
      .map((name) => `app/versions/${name}`),
  ];
  expect(browserFiles).toContain("app/versions/types.ts");
  const serverImports = browserFiles.flatMap((file) =>
    importsOf(file)
      .filter((specifier) => /\.server(\.ts)?$/.test(specifier))
      .map((specifier) => `${file} → ${specifier}`),
  );
  expect(serverImports).toEqual([]);
});
