import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import type { Role } from "@/lib/generated/prisma/enums";
import { timingDummyHash, verifyPassword } from "./password";

export type SignInResult =
  | { ok: true; user: { id: string; email: string; displayName: string; role: Role } }
  | { ok: false; code: "INVALID" | "DISABLED" | "THROTTLED" };

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Failed attempts are counted in the database, not in memory, so the limit holds across
 * app instances and restarts. Successful sign-ins do not reset the per-IP count.
 */
async function isThrottled(email: string, ip: string): Promise<boolean> {
  const { HIKAKU_SIGNIN_WINDOW_MINUTES, HIKAKU_SIGNIN_MAX_FAILURES_PER_ACCOUNT, HIKAKU_SIGNIN_MAX_FAILURES_PER_IP } = env();
  const since = new Date(Date.now() - HIKAKU_SIGNIN_WINDOW_MINUTES * 60_000);
  const [byAccount, byIp] = await Promise.all([
    db.signInAttempt.count({ where: { email, success: false, createdAt: { gte: since } } }),
    db.signInAttempt.count({ where: { ip, success: false, createdAt: { gte: since } } }),
  ]);
  return byAccount >= HIKAKU_SIGNIN_MAX_FAILURES_PER_ACCOUNT || byIp >= HIKAKU_SIGNIN_MAX_FAILURES_PER_IP;
}

/** Checks e-mail and password, honouring throttling and disabled accounts; records the attempt. */
export async function authenticate(rawEmail: string, password: string, ip: string): Promise<SignInResult> {
  const email = normaliseEmail(rawEmail);
  if (await isThrottled(email, ip)) return { ok: false, code: "THROTTLED" };

  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, displayName: true, role: true, disabled: true, passwordHash: true },
  });
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await timingDummyHash()), password);
  const success = Boolean(user && passwordOk && !user.disabled);
  await db.signInAttempt.create({ data: { email, ip, success } });
  // Only the throttle window matters; now and then drop what is far older than any window.
  if (Math.random() < 0.01) {
    const keepMinutes = Math.max(24 * 60, 2 * env().HIKAKU_SIGNIN_WINDOW_MINUTES);
    await db.signInAttempt.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - keepMinutes * 60_000) } } });
  }

  if (!user || !passwordOk) return { ok: false, code: "INVALID" };
  // Only someone who knows the password learns that the account is disabled.
  if (user.disabled) return { ok: false, code: "DISABLED" };
  return { ok: true, user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role } };
}

/** The client address as seen by the nearest proxy: the last X-Forwarded-For entry. */
export function clientIp(headers: Record<string, string | string[] | undefined> | Headers): string {
  const raw = headers instanceof Headers ? headers.get("x-forwarded-for") : headers["x-forwarded-for"];
  const value = Array.isArray(raw) ? raw.join(",") : raw;
  const last = value?.split(",").at(-1)?.trim();
  return last || "unknown";
}
