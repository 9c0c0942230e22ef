import { describe, expect, it, vi } from "vitest";
import { takeCookiesSet } from "@/lib/testing/next-request";
import { setLocaleAction } from "./actions";
import { LOCALE_COOKIE } from "./locale";

vi.mock("next/headers", async () => (await import("@/lib/testing/next-request")).nextHeaders);

describe("the language switcher's action", () => {
  it("remembers a language the app has for a year, site-wide, for anyone", async () => {
    expect(await setLocaleAction("en")).toEqual({ ok: true });
    expect(takeCookiesSet()).toEqual([{ name: LOCALE_COOKIE, value: "en", options: { path: "/", maxAge: 31_536_000, sameSite: "lax" } }]);
  });

  it("sets nothing for a language it does not have", async () => {
    for (const locale of ["fr", "", "ja; Path=/admin", "EN"]) expect(await setLocaleAction(locale)).toEqual({ ok: false });
    expect(takeCookiesSet()).toEqual([]);
  });
});
