import "server-only";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";
import { hashToken } from "./tokens";
import { noteRequestUser } from "@/lib/log";

/**
 * Researcher API tokens: `hk_` + 32 random bytes. Only the sha256 is stored; the prefix (the
 * first characters after `hk_`) is kept in clear so a token can be recognised in the list.
 */
const TOKEN_PREFIX = "hk_";
const SHOWN_PREFIX_LENGTH = 8;
/** Last-used times are written at most this often per token, so API reads stay reads. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface TokenSummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export async function createApiToken(userId: string, name: string): Promise<{ token: string; summary: TokenSummary }> {
  const secret = randomBytes(32).toString("base64url");
  const token = `${TOKEN_PREFIX}${secret}`;
  const summary = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { userId, name, tokenHash: hashToken(token), prefix: secret.slice(0, SHOWN_PREFIX_LENGTH) },
      select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
    });
    await tx.auditEvent.create({
      data: { actorId: userId, action: "api_token.created", subjectType: "ApiToken", subjectId: created.id, data: { name } },
    });
    return created;
  });
  return { token, summary };
}

export function listApiTokens(userId: string): Promise<TokenSummary[]> {
  return db.apiToken.findMany({
    where: { userId },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
    orderBy: { createdAt: "desc" },
  });
}

/** Revokes one of the user's own tokens; false when there is no such (unrevoked) token. */
export async function revokeApiToken(userId: string, tokenId: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const revoked = await tx.apiToken.updateMany({ where: { id: tokenId, userId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (revoked.count === 0) return false;
    await tx.auditEvent.create({ data: { actorId: userId, action: "api_token.revoked", subjectType: "ApiToken", subjectId: tokenId } });
    return true;
  });
}

export interface TokenUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
}

/** The (enabled) owner of a valid, unrevoked token, or null. */
export async function userForApiToken(token: string): Promise<TokenUser | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      revokedAt: true,
      lastUsedAt: true,
      user: { select: { id: true, email: true, displayName: true, role: true, disabled: true } },
    },
  });
  if (!row || row.revokedAt || row.user.disabled) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  noteRequestUser(row.user.id);
  return { id: row.user.id, email: row.user.email, displayName: row.user.displayName, role: row.user.role };
}
