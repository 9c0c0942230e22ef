import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback";

const ORIGIN = "https://hikaku.example";

describe("the page to return to after sign-in", () => {
  it.each([
    ["/campaigns/jp-chat/leaderboard?category=math#top", "/campaigns/jp-chat/leaderboard?category=math#top"],
    ["/vote/jp-chat", "/vote/jp-chat"],
    ["/", "/"],
  ])("keeps a path on this app: %s", (raw, expected) => {
    expect(safeCallbackPath(raw, ORIGIN)).toBe(expected);
  });

  it.each([
    "/\\evil.example",
    "/\\/evil.example",
    "//evil.example",
    "///evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%2F/evil.example",
    "/\t/evil.example",
    "/%5Cevil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/%E0%A4%A",
    "",
    null,
  ])("sends anything that could leave the app to the home page: %s", (raw) => {
    expect(safeCallbackPath(raw, ORIGIN)).toBe("/");
  });
});
