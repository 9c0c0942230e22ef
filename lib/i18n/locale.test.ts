import { describe, expect, it } from "vitest";
import { en } from "./messages/en";
import { ja } from "./messages/ja";
import { negotiateLocale } from "./locale";
import { createTranslator } from "./translate";

describe("negotiateLocale", () => {
  it("follows the browser's ranking among the supported languages", () => {
    expect(negotiateLocale("en-US,en;q=0.9,ja;q=0.8")).toBe("en");
    expect(negotiateLocale("fr-FR, ja;q=0.5, en;q=0.4")).toBe("ja");
    expect(negotiateLocale("en;q=0.2, ja-JP;q=0.9")).toBe("ja");
  });

  it("falls back to Japanese for unknown or missing preferences", () => {
    expect(negotiateLocale("fr-FR,de;q=0.5")).toBe("ja");
    expect(negotiateLocale(null)).toBe("ja");
    expect(negotiateLocale("en;q=0")).toBe("ja");
  });
});

describe("message catalogues", () => {
  const keys = (node: object, prefix = ""): string[] =>
    Object.entries(node).flatMap(([k, v]) => (typeof v === "string" ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)));

  it("have the same keys in Japanese and English, none empty", () => {
    expect(keys(ja).sort()).toEqual(keys(en).sort());
    const t = createTranslator(ja);
    for (const key of keys(ja)) expect(t(key as never).length).toBeGreaterThan(0);
  });

  it("fill placeholders", () => {
    expect(createTranslator(en)("nav.signedInAs", { name: "Aki" })).toBe("Signed in as Aki");
    expect(createTranslator(ja)("invite.passwordHint", { min: 10 })).toBe("10文字以上で入力してください。");
  });
});
