import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import type { Role } from "@/lib/generated/prisma/enums";
import { hashPassword } from "@/lib/auth/password";
import { normaliseEmail } from "@/lib/auth/sign-in";

export interface UserRow {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
}

export function listUsers(): Promise<UserRow[]> {
  return db.user.findMany({
    select: { id: true, email: true, displayName: true, role: true, disabled: true, createdAt: true },
    orderBy: { createdAt: "asc" },
  });
}

export type CreateAdminResult = { ok: true; id: string; created: boolean } | { ok: false; code: "EXISTS_NOT_ADMIN" };

/** Creates an admin, or resets the password of an existing admin with that e-mail. */
export async function createOrResetAdmin(input: { email: string; password: string; displayName?: string }): Promise<CreateAdminResult> {
  const email = normaliseEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  const existing = await db.user.findUnique({ where: { email }, select: { id: true, role: true } });
  if (existing && existing.role !== "ADMIN") return { ok: false, code: "EXISTS_NOT_ADMIN" };
  if (existing) {
    await db.user.update({ where: { id: existing.id }, data: { passwordHash, disabled: false } });
    await recordAudit({ actorId: null, action: "admin.password_reset", subjectType: "User", subjectId: existing.id });
    return { ok: true, id: existing.id, created: false };
  }
  const user = await db.user.create({
    data: { email, passwordHash, role: "ADMIN", displayName: input.displayName ?? email.split("@")[0] },
    select: { id: true },
  });
  await recordAudit({ actorId: null, action: "admin.created", subjectType: "User", subjectId: user.id });
  return { ok: true, id: user.id, created: true };
}

export type UserChangeResult = { ok: true } | { ok: false; code: "NOT_FOUND" | "LAST_ADMIN" | "SELF" };

/**
 * Changes a user's role or access unless that would leave no active admin. The check and the change
 * run under one lock, so two admins demoting each other at the same moment cannot both succeed.
 */
async function changeUser(
  actorId: string,
  userId: string,
  data: { role: Role } | { disabled: boolean },
  audit: { action: string; data?: { role: Role } },
): Promise<UserChangeResult> {
  if (actorId === userId) return { ok: false, code: "SELF" };
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('hikaku:admins'))`;
    const user = await tx.user.findUnique({ where: { id: userId }, select: { role: true, disabled: true } });
    if (!user) return { ok: false as const, code: "NOT_FOUND" as const };
    const stopsBeingAdmin = user.role === "ADMIN" && !user.disabled && ("role" in data ? data.role !== "ADMIN" : data.disabled);
    if (stopsBeingAdmin && (await tx.user.count({ where: { role: "ADMIN", disabled: false } })) <= 1) {
      return { ok: false as const, code: "LAST_ADMIN" as const };
    }
    await tx.user.update({ where: { id: userId }, data });
    await recordAudit({ actorId, action: audit.action, subjectType: "User", subjectId: userId, data: audit.data }, tx);
    return { ok: true as const };
  });
}

export function changeRole(actorId: string, userId: string, role: Role): Promise<UserChangeResult> {
  return changeUser(actorId, userId, { role }, { action: "user.role_changed", data: { role } });
}

export function setDisabled(actorId: string, userId: string, disabled: boolean): Promise<UserChangeResult> {
  return changeUser(actorId, userId, { disabled }, { action: disabled ? "user.disabled" : "user.enabled" });
}
