import { afterEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { createTestUser, TEST_PASSWORD, testIp } from "@/lib/testing/factories";
import { clientIp, PEER_HEADER } from "./client-ip";
import { accountDelaySeconds, authenticate, MAX_ACCOUNT_DELAY_SECONDS } from "./sign-in";
import { Writable } from "node:stream";
import { createLogger } from "@/lib/log";

// The limits as configured (HIKAKU_SIGNIN_* may be set where the tests run).
const { HIKAKU_SIGNIN_MAX_FAILURES_PER_ACCOUNT: ACCOUNT_LIMIT, HIKAKU_SIGNIN_MAX_FAILURES_PER_IP: IP_LIMIT } = env();

async function failures(email: string, count: number, ip = testIp()) {
  for (let i = 0; i < count; i++) expect(await authenticate(email, `wrong-${i}-password`, ip)).toEqual({ ok: false, code: "INVALID" });
}

/** The app's log lines while a test runs; `restore` puts the usual logger back. */
function captureLog() {
  const lines: string[] = [];
  const shared = globalThis as unknown as { hikakuLogger?: unknown };
  shared.hikakuLogger = createLogger(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString("utf8"));
        done();
      },
    }),
    "info",
  );
  return { lines, restore: () => delete shared.hikakuLogger };
}

/** Moves the account's recorded attempts `seconds` into the past. */
async function age(email: string, seconds: number) {
  await db.$executeRaw`UPDATE "SignInAttempt" SET "createdAt" = "createdAt" - make_interval(secs => ${seconds}) WHERE email = ${email}`;
}

describe("authenticate", () => {
  afterEach(() => vi.restoreAllMocks());

  it("now and then (one sign-in in a hundred) drops attempts older than a day or two throttle windows, whichever is longer", async () => {
    const keepMinutes = Math.max(24 * 60, 2 * env().HIKAKU_SIGNIN_WINDOW_MINUTES);
    const email = `ancient-${Date.now()}@example.test`;
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    await db.signInAttempt.createMany({
      data: [
        { email, outcome: "FAILURE", createdAt: minutesAgo(keepMinutes + 5) },
        { email, outcome: "FAILURE", createdAt: minutesAgo(keepMinutes - 5) },
      ],
    });
    const kept = async () => (await db.signInAttempt.findMany({ where: { email }, orderBy: { createdAt: "asc" } })).map((a) => a.createdAt);
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    await authenticate(email, "whatever-password", testIp());
    expect(await kept()).toHaveLength(3);
    vi.spyOn(Math, "random").mockReturnValue(0.005);
    await authenticate(email, "whatever-password", testIp());
    const left = await kept();
    expect(left).toHaveLength(3);
    expect(left[0].getTime()).toBeGreaterThan(minutesAgo(keepMinutes).getTime());
  });

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

  it("logs a refused sign-in with a hash of the account and its domain, never the address in clear nor the password", async () => {
    const { lines, restore } = captureLog();
    try {
      const email = `recognisable.localpart.${Date.now().toString(36)}@example.test`;
      await authenticate(email, "RecognisablePassword-123", testIp());
      const [line] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(line).toMatchObject({ level: 40, msg: "sign-in refused", reason: "INVALID", domain: "example.test" });
      expect(line.account).toMatch(/^[0-9a-f]{16}$/);
      expect(lines.join("")).not.toMatch(/recognisable|localpart|RecognisablePassword/i);
    } finally {
      restore();
    }
  });

  it("logs a sign-in with the user's id", async () => {
    const user = await createTestUser();
    const { lines, restore } = captureLog();
    try {
      expect((await authenticate(user.email, TEST_PASSWORD, testIp())).ok).toBe(true);
      expect(lines.map((l) => JSON.parse(l) as unknown)).toContainEqual(expect.objectContaining({ msg: "signed in", userId: user.id }));
    } finally {
      restore();
    }
  });

  it("refuses every password for an account whose stored hash is not one (set by hand, say)", async () => {
    const user = await createTestUser();
    await db.user.update({ where: { id: user.id }, data: { passwordHash: "set-by-hand" } });
    expect(await authenticate(user.email, "set-by-hand", testIp())).toEqual({ ok: false, code: "INVALID" });
    expect(await authenticate(user.email, TEST_PASSWORD, testIp())).toEqual({ ok: false, code: "INVALID" });
  });

  it("refuses a disabled user even with the right password", async () => {
    const user = await createTestUser({ disabled: true });
    expect(await authenticate(user.email, TEST_PASSWORD, testIp())).toEqual({ ok: false, code: "DISABLED" });
  });

  it("makes an account wait after too many failures, even for the right password from another address", async () => {
    const user = await createTestUser();
    await failures(user.email, ACCOUNT_LIMIT);
    expect(await authenticate(user.email, TEST_PASSWORD, testIp())).toEqual({ ok: false, code: "THROTTLED" });
    // The first wait past the limit is one second.
    await age(user.email, 2);
    expect((await authenticate(user.email, TEST_PASSWORD, testIp())).ok).toBe(true);
  });

  it("doubles the wait with every further failure, up to a minute and never a lock", async () => {
    expect([0, 1, 2, 3, 10, 100].map((extra) => accountDelaySeconds(ACCOUNT_LIMIT + extra - 1, ACCOUNT_LIMIT))).toEqual([
      0,
      1,
      2,
      4,
      Math.min(512, MAX_ACCOUNT_DELAY_SECONDS),
      MAX_ACCOUNT_DELAY_SECONDS,
    ]);
    const admin = await createTestUser({ role: "ADMIN" });
    // Someone has been guessing at the admin's account all day.
    await db.signInAttempt.createMany({
      data: Array.from({ length: 200 }, () => ({ email: admin.email, ip: testIp(), outcome: "FAILURE" as const })),
    });
    expect(await authenticate(admin.email, TEST_PASSWORD, testIp())).toEqual({ ok: false, code: "THROTTLED" });
    await age(admin.email, MAX_ACCOUNT_DELAY_SECONDS - 5);
    expect(await authenticate(admin.email, TEST_PASSWORD, testIp())).toEqual({ ok: false, code: "THROTTLED" });
    // Refused attempts do not extend the wait; a minute after the last failure the owner gets in.
    await age(admin.email, 6);
    expect((await authenticate(admin.email, TEST_PASSWORD, testIp())).ok).toBe(true);
  });

  it("lets no more parallel guesses through than the limit allows", async () => {
    const user = await createTestUser();
    await failures(user.email, ACCOUNT_LIMIT - 1);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => authenticate(user.email, `parallel-${i}-guess`, testIp())));
    const checked = results.filter((r) => !r.ok && r.code === "INVALID").length;
    expect(checked).toBeLessThanOrEqual(1);
    expect(results.filter((r) => !r.ok && r.code === "THROTTLED").length).toBe(12 - checked);
    const outcomes = await db.signInAttempt.groupBy({ by: ["outcome"], where: { email: user.email }, _count: true });
    expect(Object.fromEntries(outcomes.map((o) => [o.outcome, o._count]))).toEqual({
      FAILURE: ACCOUNT_LIMIT - 1 + checked,
      THROTTLED: 12 - checked,
    });
  });

  it("throttles one address that guesses across many accounts", async () => {
    const ip = testIp();
    for (let i = 0; i < IP_LIMIT; i++) await authenticate(`guess-${i}@example.test`, "password-guess", ip);
    const user = await createTestUser();
    expect(await authenticate(user.email, TEST_PASSWORD, ip)).toEqual({ ok: false, code: "THROTTLED" });
    expect((await authenticate(user.email, TEST_PASSWORD, testIp())).ok).toBe(true);
  });

  it("does not count an unknown address as one shared address", async () => {
    for (let i = 0; i < IP_LIMIT; i++) await authenticate(`unknown-${i}@example.test`, "password-guess", null);
    const user = await createTestUser();
    expect((await authenticate(user.email, TEST_PASSWORD, null)).ok).toBe(true);
  });

  it("records every attempt with its outcome", async () => {
    const user = await createTestUser();
    const ip = testIp();
    await authenticate(user.email, "wrong-password-123", ip);
    await authenticate(user.email, TEST_PASSWORD, ip);
    const attempts = await db.signInAttempt.findMany({ where: { ip }, orderBy: { id: "asc" }, select: { outcome: true } });
    expect(attempts).toEqual([{ outcome: "FAILURE" }, { outcome: "SUCCESS" }]);
  });
});

describe("the client address used for throttling", () => {
  it("behind a trusted proxy is the last X-Forwarded-For entry, the one the proxy appended", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.9" }), true)).toBe("203.0.113.9");
    expect(clientIp({ "x-forwarded-for": "198.51.100.1" }, true)).toBe("198.51.100.1");
    expect(clientIp({}, true)).toBeNull();
    // Node gives a repeated header as a list: the proxy's entry is still the last.
    expect(clientIp({ "x-forwarded-for": ["6.6.6.6", "203.0.113.9"] }, true)).toBe("203.0.113.9");
  });

  it("without a proxy ignores X-Forwarded-For and takes the connection's address from the app server", () => {
    process.env.HIKAKU_PEER_TOKEN = "peer-token-for-tests";
    expect(clientIp({ "x-forwarded-for": "6.6.6.6" }, false)).toBeNull();
    expect(clientIp({ "x-forwarded-for": "6.6.6.6", [PEER_HEADER]: "peer-token-for-tests 192.0.2.7" }, false)).toBe("192.0.2.7");
    // A client that writes the header itself does not know the token.
    expect(clientIp({ [PEER_HEADER]: "guessed-token 6.6.6.6" }, false)).toBeNull();
    expect(clientIp({ [PEER_HEADER]: "a-guessed-token-longer-than-the-real-one 6.6.6.6" }, false)).toBeNull();
    expect(clientIp({ [PEER_HEADER]: "peer-token-for-tests  192.0.2.7 " }, false)).toBe("192.0.2.7");
    delete process.env.HIKAKU_PEER_TOKEN;
    expect(clientIp({ [PEER_HEADER]: "peer-token-for-tests 192.0.2.7" }, false)).toBeNull();
  });
});
