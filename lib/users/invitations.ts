import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import type { Role } from "@/lib/generated/prisma/enums";
import { Prisma } from "@/lib/generated/prisma/client";
import { hashPassword } from "@/lib/auth/password";
import { normaliseEmail } from "@/lib/auth/sign-in";
import { hashToken, randomToken } from "@/lib/auth/tokens";

export interface NewInvitation {
  role: Role;
  email?: string;
  campaignId?: string;
  expiresInDays: number;
}

/** Creates a single-use invitation and returns its token; only the token's hash is stored. */
export async function createInvitation(actorId: string, input: NewInvitation): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + input.expiresInDays * 24 * 60 * 60 * 1000);
  const invitation = await db.invitation.create({
    data: {
      tokenHash: hashToken(token),
      role: input.role,
      email: input.email ? normaliseEmail(input.email) : null,
      campaignId: input.campaignId ?? null,
      createdById: actorId,
      expiresAt,
    },
    select: { id: true },
  });
  await recordAudit({
    actorId,
    action: "invitation.created",
    subjectType: "Invitation",
    subjectId: invitation.id,
    data: { role: input.role },
  });
  return { id: invitation.id, token, expiresAt };
}

export type InvitationProblem = "NOT_FOUND" | "EXPIRED" | "USED" | "REVOKED";

export type InvitationLookup =
  | { ok: true; invitation: { id: string; role: Role; email: string | null; campaignName: string | null; expiresAt: Date } }
  | { ok: false; code: InvitationProblem };

export async function findInvitation(token: string): Promise<InvitationLookup> {
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, role: true, email: true, expiresAt: true, usedAt: true, revokedAt: true, campaign: { select: { name: true } } },
  });
  if (!invitation) return { ok: false, code: "NOT_FOUND" };
  if (invitation.revokedAt) return { ok: false, code: "REVOKED" };
  if (invitation.usedAt) return { ok: false, code: "USED" };
  if (invitation.expiresAt <= new Date()) return { ok: false, code: "EXPIRED" };
  return {
    ok: true,
    invitation: {
      id: invitation.id,
      role: invitation.role,
      email: invitation.email,
      campaignName: invitation.campaign?.name ?? null,
      expiresAt: invitation.expiresAt,
    },
  };
}

export type AcceptResult =
  { ok: true; userId: string; email: string } | { ok: false; code: InvitationProblem | "EMAIL_TAKEN" | "EMAIL_MISMATCH" };

/**
 * Creates the account for an invitation. The invitation is claimed with a conditional UPDATE
 * inside the transaction, so two simultaneous sign-ups with one link create one account.
 */
export async function acceptInvitation(
  token: string,
  input: { email: string; displayName: string; password: string },
): Promise<AcceptResult> {
  const lookup = await findInvitation(token);
  if (!lookup.ok) return lookup;
  const email = normaliseEmail(input.email);
  if (lookup.invitation.email && lookup.invitation.email !== email) return { ok: false, code: "EMAIL_MISMATCH" };
  const passwordHash = await hashPassword(input.password);

  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email, displayName: input.displayName.trim(), passwordHash, role: lookup.invitation.role },
        select: { id: true },
      });
      const claimed = await tx.invitation.updateMany({
        where: { id: lookup.invitation.id, usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
        data: { usedAt: new Date(), usedById: user.id },
      });
      if (claimed.count !== 1) throw new InvitationAlreadyUsed();
      const invitation = await tx.invitation.findUniqueOrThrow({ where: { id: lookup.invitation.id }, select: { campaignId: true } });
      if (invitation.campaignId) {
        await tx.campaignMember.create({ data: { campaignId: invitation.campaignId, userId: user.id } });
      }
      await recordAudit(
        { actorId: user.id, action: "invitation.accepted", subjectType: "Invitation", subjectId: lookup.invitation.id },
        tx,
      );
      return { ok: true as const, userId: user.id, email };
    });
  } catch (error) {
    if (error instanceof InvitationAlreadyUsed) return { ok: false, code: "USED" };
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return { ok: false, code: "EMAIL_TAKEN" };
    throw error;
  }
}

class InvitationAlreadyUsed extends Error {}

export interface PendingInvitation {
  id: string;
  role: Role;
  email: string | null;
  campaignName: string | null;
  expiresAt: Date;
  createdAt: Date;
}

export async function listPendingInvitations(): Promise<PendingInvitation[]> {
  const rows = await db.invitation.findMany({
    where: { usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, role: true, email: true, expiresAt: true, createdAt: true, campaign: { select: { name: true } } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map(({ campaign, ...row }) => ({ ...row, campaignName: campaign?.name ?? null }));
}

export async function revokeInvitation(actorId: string, id: string): Promise<boolean> {
  const revoked = await db.invitation.updateMany({ where: { id, usedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
  if (revoked.count === 1) await recordAudit({ actorId, action: "invitation.revoked", subjectType: "Invitation", subjectId: id });
  return revoked.count === 1;
}
