import { describe, expect, it } from "vitest";
import { fromThisOrigin } from "./same-origin";

const post = (headers: Record<string, string>) => new Request("http://hikaku.test/api/v1/campaigns/x/imports", { method: "POST", headers });

describe("requests from this app's own pages", () => {
  it("are those whose Origin names the host they were sent to", () => {
    expect(fromThisOrigin(post({ host: "hikaku.example:3000", origin: "http://hikaku.example:3000" }))).toBe(true);
    expect(fromThisOrigin(post({ host: "hikaku.example:3000", origin: "https://evil.example" }))).toBe(false);
    expect(fromThisOrigin(post({ host: "hikaku.example:3000", origin: "http://hikaku.example:3001" }))).toBe(false);
  });

  it("never those without an Origin, with an opaque one or with one that is no URL", () => {
    expect(fromThisOrigin(post({ host: "hikaku.example" }))).toBe(false);
    expect(fromThisOrigin(post({ host: "hikaku.example", origin: "null" }))).toBe(false);
    expect(fromThisOrigin(post({ host: "hikaku.example", origin: "hikaku.example" }))).toBe(false);
  });

  it("ignores X-Forwarded-Host unless the app is told to trust its proxy", () => {
    expect(fromThisOrigin(post({ host: "10.0.0.2:3000", "x-forwarded-host": "evil.example", origin: "https://evil.example" }))).toBe(false);
  });
});
