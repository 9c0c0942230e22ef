import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { cookiesFromHeader, requestUserId, sessionCookieName, sessionTokenFrom, sessionUserId } from "./session-token";

const SECRET = "session-token-test-secret-0123456789";
const USER = "6f8eb35b-8f81-423f-b1a1-ab2008d477bf";

/** A session token as next-auth itself issues it at sign-in. */
const issued = (secret = SECRET, maxAge = 3600) =>
  encode({ token: { sub: USER, email: "a@example.com", role: "ANNOTATOR" }, secret, maxAge });

describe("reading next-auth's session cookie without next-auth", () => {
  it("gives the user of a token next-auth issued", async () => {
    expect(await sessionUserId(await issued(), SECRET)).toBe(USER);
  });

  it("refuses a token made with another secret, an expired one, a tampered one and none", async () => {
    expect(await sessionUserId(await issued("another-secret-another-secret-00"), SECRET)).toBeNull();
    // Expired 60 s ago: beyond next-auth's 15 s tolerance.
    expect(await sessionUserId(await issued(SECRET, -60), SECRET)).toBeNull();
    const token = await issued();
    const tampered = token.slice(0, -6) + (token.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA");
    expect(await sessionUserId(tampered, SECRET)).toBeNull();
    expect(await sessionUserId("not-a-jwt", SECRET)).toBeNull();
    expect(await sessionUserId(null, SECRET)).toBeNull();
  });

  it("refuses a token without a subject", async () => {
    expect(await sessionUserId(await encode({ token: { email: "a@example.com" }, secret: SECRET }), SECRET)).toBeNull();
  });

  it("finds the token under the configured cookie name, whole or in numbered chunks, and ignores other cookies", async () => {
    const token = await issued();
    const other = { name: "next-auth.csrf-token", value: "x" };
    const plain = sessionCookieName("http://127.0.0.1:3000");
    const secure = sessionCookieName("https://hikaku.example.org");
    expect([plain, secure, sessionCookieName(undefined)]).toEqual([
      "next-auth.session-token",
      "__Secure-next-auth.session-token",
      "next-auth.session-token",
    ]);
    expect(sessionTokenFrom([other, { name: "next-auth.session-token", value: token }], plain)).toBe(token);
    expect(sessionTokenFrom([{ name: "__Secure-next-auth.session-token", value: token }], secure)).toBe(token);
    const chunks = [
      { name: "next-auth.session-token.1", value: token.slice(10, 20) },
      { name: "next-auth.session-token.2", value: token.slice(20) },
      other,
      { name: "next-auth.session-token.0", value: token.slice(0, 10) },
    ];
    expect(sessionTokenFrom(chunks, plain)).toBe(token);
    expect(await sessionUserId(sessionTokenFrom(chunks, plain), SECRET)).toBe(USER);
    expect(sessionTokenFrom([other, { name: "next-auth.session-token.x", value: "y" }], plain)).toBeNull();
  });

  it("under HTTPS reads only the __Secure- cookie: a plain-named one could have been planted over HTTP", async () => {
    const token = await issued();
    const secure = sessionCookieName("https://hikaku.example.org");
    expect(sessionTokenFrom([{ name: "next-auth.session-token", value: token }], secure)).toBeNull();
    expect(sessionTokenFrom([{ name: "next-auth.session-token.0", value: token }], secure)).toBeNull();
    // And over plain HTTP the __Secure- name is not the app's.
    expect(sessionTokenFrom([{ name: "__Secure-next-auth.session-token", value: token }], sessionCookieName("http://x"))).toBeNull();
  });
});

describe("whose session a plain request carries", () => {
  it("reads the cookie among others, trimmed and percent-decoded, and skips parts that are no cookie", () => {
    expect(cookiesFromHeader("=orphan; a=1; b = x%3Dy ; flag; c=%E0%A4%A; d=p=q")).toEqual([
      { name: "a", value: "1" },
      { name: "b", value: "x=y" },
      // Not valid percent-encoding: kept as sent.
      { name: "c", value: "%E0%A4%A" },
      { name: "d", value: "p=q" },
    ]);
    expect(cookiesFromHeader(undefined)).toEqual([]);
  });

  it("gives the user of a next-auth session cookie only when the id is one this app issues", async () => {
    const header = async (sub: unknown) =>
      `next-auth.csrf-token=x; next-auth.session-token=${await encode({ token: { sub } as never, secret: SECRET })}; theme=dark`;
    expect(await requestUserId(await header(USER), SECRET, "next-auth.session-token")).toBe(USER);
    expect(await requestUserId(await header(USER.toUpperCase()), SECRET, "next-auth.session-token")).toBe(USER.toUpperCase());
    // Ids from an older scheme, or a uuid with something around it, are nobody.
    for (const sub of ["cl9ebqhxk00003b600tymydho", `x${USER}`, `${USER}x`, "42"]) {
      expect(await requestUserId(await header(sub), SECRET, "next-auth.session-token")).toBeNull();
    }
    expect(await requestUserId(await header(USER), SECRET, "__Secure-next-auth.session-token")).toBeNull();
    expect(await requestUserId(undefined, SECRET, "next-auth.session-token")).toBeNull();
  });

  it("treats a subject that is not a string as nobody", async () => {
    expect(await sessionUserId(await encode({ token: { sub: 42 } as never, secret: SECRET }), SECRET)).toBeNull();
  });

  it("accepts a token up to next-auth's 15 s past its expiry, as next-auth does", async () => {
    expect(await sessionUserId(await issued(SECRET, -5), SECRET)).toBe(USER);
  });
});
