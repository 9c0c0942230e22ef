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

async function wouldRemoveLastAdmin(userId: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { role: true, disabled: true } });
  if (user?.role !== "ADMIN" || user.disabled) return false;
  const admins = await db.user.count({ where: { role: "ADMIN", disabled: false } });
  return admins <= 1;
}

export async function changeRole(actorId: string, userId: string, role: Role): Promise<UserChangeResult> {
  if (actorId === userId) return { ok: false, code: "SELF" };
  if (role !== "ADMIN" && (await wouldRemoveLastAdmin(userId))) return { ok: false, code: "LAST_ADMIN" };
  const updated = await db.user.updateMany({ where: { id: userId }, data: { role } });
  if (updated.count === 0) return { ok: false, code: "NOT_FOUND" };
  await recordAudit({ actorId, action: "user.role_changed", subjectType: "User", subjectId: userId, data: { role } });
  return { ok: true };
}

export async function setDisabled(actorId: string, userId: string, disabled: boolean): Promise<UserChangeResult> {
  if (actorId === userId) return { ok: false, code: "SELF" };
  if (disabled && (await wouldRemoveLastAdmin(userId))) return { ok: false, code: "LAST_ADMIN" };
  const updated = await db.user.updateMany({ where: { id: userId }, data: { disabled } });
  if (updated.count === 0) return { ok: false, code: "NOT_FOUND" };
  await recordAudit({ actorId, action: disabled ? "user.disabled" : "user.enabled", subjectType: "User", subjectId: userId });
  return { ok: true };
}
