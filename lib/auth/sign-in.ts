import "server-only";
import { db, sql } from "@/lib/db";
import { env } from "@/lib/env";
import type { Role } from "@/lib/generated/prisma/enums";
import { timingDummyHash, verifyPassword } from "./password";
import { createHash } from "node:crypto";
import { log, noteRequestUser } from "@/lib/log";

export type SignInResult =
  | { ok: true; user: { id: string; email: string; displayName: string; role: Role } }
  | { ok: false; code: "INVALID" | "DISABLED" | "THROTTLED" };

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The longest an account makes anyone wait after failures: a guess a minute at most, and its owner gets in soon after. */
export const MAX_ACCOUNT_DELAY_SECONDS = 60;

/**
 * How long an account waits after its latest failure, given its failures in the window: nothing
 * up to the limit, then 1 s, 2 s, 4 s … per further failure, never more than a minute. A delay,
 * not a lock: whoever guesses at an account cannot keep its owner (an admin, say) out for good.
 */
export function accountDelaySeconds(failures: number, limit: number): number {
  if (failures < limit) return 0;
  return Math.min(MAX_ACCOUNT_DELAY_SECONDS, 2 ** (failures - limit));
}

interface Counts {
  accountFailures: number;
  lastAccountFailure: Date | null;
  ipFailures: number;
}

/**
 * The attempt is recorded (PENDING, which counts as a failure) before anything is checked, and
 * the counts leave it out: of several guesses sent at once, each sees the others, so no more get
 * through than the limits allow. Counted in the database, the limits hold across app instances.
 */
async function recordAndCount(email: string, ip: string | null): Promise<{ id: bigint } & Counts> {
  const { HIKAKU_SIGNIN_WINDOW_MINUTES } = env();
  const attempt = await db.signInAttempt.create({ data: { email, ip }, select: { id: true } });
  const [row] = await sql.$queryRaw<Counts[]>`
    SELECT count(*) FILTER (WHERE a.email = ${email})::int AS "accountFailures",
           max(a."createdAt") FILTER (WHERE a.email = ${email}) AS "lastAccountFailure",
           count(*) FILTER (WHERE a.ip = ${ip})::int AS "ipFailures"
    FROM "SignInAttempt" a
    WHERE (a.email = ${email} OR a.ip = ${ip}) AND a.id <> ${attempt.id}
      AND a.outcome IN ('PENDING', 'FAILURE') AND a."createdAt" >= now() - make_interval(mins => ${HIKAKU_SIGNIN_WINDOW_MINUTES})`;
  return { id: attempt.id, ...row };
}

function throttled(counts: Counts, ip: string | null): boolean {
  const { HIKAKU_SIGNIN_MAX_FAILURES_PER_ACCOUNT, HIKAKU_SIGNIN_MAX_FAILURES_PER_IP } = env();
  // An address that guesses across many accounts is stopped outright (when the address is known).
  if (ip !== null && counts.ipFailures >= HIKAKU_SIGNIN_MAX_FAILURES_PER_IP) return true;
  const delay = accountDelaySeconds(counts.accountFailures, HIKAKU_SIGNIN_MAX_FAILURES_PER_ACCOUNT);
  return delay > 0 && counts.lastAccountFailure !== null && Date.now() - counts.lastAccountFailure.getTime() < delay * 1000;
}

/**
 * A refused sign-in in the log, for whoever watches for attacks: the e-mail's domain and a hash of
 * the whole address (the same for every attempt on one account), never the address in clear nor
 * anything of the password.
 */
function logRefusal(email: string, ip: string | null, reason: "THROTTLED" | "INVALID" | "DISABLED"): void {
  const account = createHash("sha256").update(email).digest("hex").slice(0, 16);
  log().warn({ account, domain: email.split("@")[1] ?? "", ip, reason }, "sign-in refused");
}

/** Checks e-mail and password, honouring throttling and disabled accounts; every attempt is recorded. */
export async function authenticate(rawEmail: string, password: string, ip: string | null): Promise<SignInResult> {
  const email = normaliseEmail(rawEmail);
  const counts = await recordAndCount(email, ip);
  if (throttled(counts, ip)) {
    await db.signInAttempt.update({ where: { id: counts.id }, data: { outcome: "THROTTLED" } });
    logRefusal(email, ip, "THROTTLED");
    return { ok: false, code: "THROTTLED" };
  }

  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, displayName: true, role: true, disabled: true, passwordHash: true },
  });
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await timingDummyHash()), password);
  const success = Boolean(user && passwordOk && !user.disabled);
  await db.signInAttempt.update({ where: { id: counts.id }, data: { outcome: success ? "SUCCESS" : "FAILURE" } });
  // Only the throttle window matters; now and then drop what is far older than any window.
  if (Math.random() < 0.01) {
    const keepMinutes = Math.max(24 * 60, 2 * env().HIKAKU_SIGNIN_WINDOW_MINUTES);
    await db.signInAttempt.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - keepMinutes * 60_000) } } });
  }

  if (!user || !passwordOk) {
    logRefusal(email, ip, "INVALID");
    return { ok: false, code: "INVALID" };
  }
  // Only someone who knows the password learns that the account is disabled.
  if (user.disabled) {
    logRefusal(email, ip, "DISABLED");
    return { ok: false, code: "DISABLED" };
  }
  noteRequestUser(user.id);
  log().info({ userId: user.id }, "signed in");
  return { ok: true, user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role } };
}
