// Every interface string exists in both languages, and no translation is left empty.
import { describe, expect, it } from "vitest";
import en from "../../app/i18n/locales/en";
import id from "../../app/i18n/locales/id";
import { i18nOptions } from "../../app/i18n/config";

function keys(messages: object, prefix = ""): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : keys(value as object, `${prefix}${key}.`),
  );
}

function lookup(messages: object, key: string): unknown {
  return key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages);
}

describe("translations", () => {
  it("lists no key missing in Bahasa Indonesia or in English", () => {
    const missingInId = keys(en).filter((key) => typeof lookup(id, key) !== "string");
    const missingInEn = keys(id).filter((key) => typeof lookup(en, key) !== "string");
    expect({ missingInId, missingInEn }).toEqual({ missingInId: [], missingInEn: [] });
  });

  it("has no empty string in either language", () => {
    const empty = [...keys(en).map((k) => ["en", k, lookup(en, k)]), ...keys(id).map((k) => ["id", k, lookup(id, k)])].filter(
      ([, , value]) => value === "",
    );
    expect(empty).toEqual([]);
  });

  it("uses the same placeholders in both languages", () => {
    const placeholders = (text: unknown) => [...String(text).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const mismatched = keys(en).filter((key) => placeholders(lookup(en, key)).join() !== placeholders(lookup(id, key)).join());
    expect(mismatched).toEqual([]);
  });
});

describe("numbers in messages", () => {
  const format = (value: unknown, language: string) => i18nOptions.interpolation.format(value, undefined, language, {});

  it("are written the language's way, small counts without a formatter alike in both", () => {
    expect([format(5, "en"), format(5, "id"), format(999, "id")]).toEqual(["5", "5", "999"]);
    expect([format(1500, "en"), format(1500, "id")]).toEqual(["1,500", "1.500"]);
    expect([format(2.5, "en"), format(2.5, "id"), format(-3, "id")]).toEqual(["2.5", "2,5", "-3"]);
    expect(format("text", "id")).toBe("text");
  });
});
