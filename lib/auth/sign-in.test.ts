import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createTestUser, TEST_PASSWORD, testIp } from "@/lib/testing/factories";
import { authenticate, clientIp } from "./sign-in";

describe("authenticate", () => {
  it("signs in with the right password, whatever the case of the e-mail", async () => {
    const user = await createTestUser({ role: "RESEARCHER" });
    const result = await authenticate(user.email.toUpperCase(), TEST_PASSWORD, testIp());
    expect(result).toEqual({ ok: true, user: { id: user.id, email: user.email, displayName: user.displayName, role: "RESEARCHER" } });
  });

  it("refuses a wrong password and an unknown e-mail with the same answer", async () => {
    const user = await createTestUser();
    expect(await authenticate(user.email, "wrong-password-123", testIp())).toEqual({ ok: false, code: "INVALID" });
    expect(await authenticate("nobody@example.test", TEST_PASSWORD, testIp())).toEqual({ ok: false, code: "INVALID" });
  });

  it("refuses a disabled user even with the right password", async () => {
    const user = await createTestUser({ disabled: true });
    expect(await authenticate(user.email, TEST_PASSWORD, testIp())).toEqual({ ok: false, code: "DISABLED" });
  });

  it("locks an account after five failures, even for the right password from another address", async () => {
    const user = await createTestUser();
    for (let i = 0; i < 5; i++) {
      expect(await authenticate(user.email, `wrong-${i}-password`, testIp())).toEqual({ ok: false, code: "INVALID" });
    }
    expect(await authenticate(user.email, TEST_PASSWORD, testIp())).toEqual({ ok: false, code: "THROTTLED" });
  });

  it("unlocks the account once the failures are older than the window", async () => {
    const user = await createTestUser();
    for (let i = 0; i < 5; i++) await authenticate(user.email, "wrong-password-123", testIp());
    await db.signInAttempt.updateMany({ where: { email: user.email }, data: { createdAt: new Date(Date.now() - 16 * 60_000) } });
    expect((await authenticate(user.email, TEST_PASSWORD, testIp())).ok).toBe(true);
  });

  it("throttles one address that guesses across many accounts", async () => {
    const ip = testIp();
    for (let i = 0; i < 30; i++) await authenticate(`guess-${i}@example.test`, "password-guess", ip);
    const user = await createTestUser();
    expect(await authenticate(user.email, TEST_PASSWORD, ip)).toEqual({ ok: false, code: "THROTTLED" });
    expect((await authenticate(user.email, TEST_PASSWORD, testIp())).ok).toBe(true);
  });

  it("records every attempt in the database, so the limits hold across app instances", async () => {
    const user = await createTestUser();
    const ip = testIp();
    await authenticate(user.email, "wrong-password-123", ip);
    await authenticate(user.email, TEST_PASSWORD, ip);
    const attempts = await db.signInAttempt.findMany({ where: { ip }, orderBy: { id: "asc" }, select: { success: true } });
    expect(attempts).toEqual([{ success: false }, { success: true }]);
  });
});

describe("clientIp", () => {
  it("takes the address the nearest proxy appended", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.9" }))).toBe("203.0.113.9");
    expect(clientIp({ "x-forwarded-for": "198.51.100.1" })).toBe("198.51.100.1");
    expect(clientIp({})).toBe("unknown");
  });
});
