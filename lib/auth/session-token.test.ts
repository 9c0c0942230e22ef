import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { sessionTokenFrom, sessionUserId } from "./session-token";

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

  it("finds the token under either cookie name, whole or in numbered chunks, and ignores other cookies", async () => {
    const token = await issued();
    const other = { name: "next-auth.csrf-token", value: "x" };
    expect(sessionTokenFrom([other, { name: "next-auth.session-token", value: token }])).toBe(token);
    expect(sessionTokenFrom([{ name: "__Secure-next-auth.session-token", value: token }])).toBe(token);
    const chunks = [
      { name: "next-auth.session-token.1", value: token.slice(10, 20) },
      { name: "next-auth.session-token.2", value: token.slice(20) },
      other,
      { name: "next-auth.session-token.0", value: token.slice(0, 10) },
    ];
    expect(sessionTokenFrom(chunks)).toBe(token);
    expect(await sessionUserId(sessionTokenFrom(chunks), SECRET)).toBe(USER);
    expect(sessionTokenFrom([other, { name: "next-auth.session-token.x", value: "y" }])).toBeNull();
  });
});
