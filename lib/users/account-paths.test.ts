import { describe, expect, it } from "vitest";
import { createApiToken, listApiTokens, revokeApiToken, userForApiToken } from "@/lib/auth/api-tokens";
import { safeCallbackPath } from "@/lib/auth/callback";
import { verifyPassword } from "@/lib/auth/password";
import { researcherFromRequest } from "@/lib/http/api-caller";
import { hasRole, homePathFor } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { createTestCampaign, createTestUser, uniqueSuffix } from "@/lib/testing/factories";
import { acceptInvitation, createInvitation, findInvitation, listPendingInvitations, revokeInvitation } from "./invitations";
import { createOrResetAdmin, listUsers, setDisabled } from "./users";

/**
 * Accounts, invitations and API tokens on the paths the browser tests used to cover alone: each
 * was a surviving mutant (docs/testing.md).
 */

async function lastAudit(subjectId: string, action: string) {
  return db.auditEvent.findFirst({ where: { subjectId, action }, orderBy: { id: "desc" } });
}

describe("API tokens", () => {
  it("are listed newest first with their prefix, audited when revoked, and found only while valid", async () => {
    const owner = await createTestUser({ role: "RESEARCHER" });
    const other = await createTestUser({ role: "RESEARCHER" });
    const first = await createApiToken(owner.id, "first");
    const second = await createApiToken(owner.id, "second");
    await createApiToken(other.id, "someone else's");
    expect(first.summary.prefix).toBe(first.token.slice(3, 11));
    expect(await lastAudit(first.summary.id, "api_token.created")).toMatchObject({ actorId: owner.id, subjectType: "ApiToken" });
    const listed = await listApiTokens(owner.id);
    expect(listed.map((t) => t.name)).toEqual(["second", "first"]);
    expect(listed[0]).toEqual(second.summary);

    expect(await userForApiToken(first.token)).toEqual({
      id: owner.id,
      email: owner.email,
      displayName: owner.displayName,
      role: "RESEARCHER",
    });
    expect(await revokeApiToken(other.id, first.summary.id)).toBe(false);
    expect(await revokeApiToken(owner.id, first.summary.id)).toBe(true);
    expect(await lastAudit(first.summary.id, "api_token.revoked")).toMatchObject({ actorId: owner.id, subjectType: "ApiToken" });
    expect(await revokeApiToken(owner.id, first.summary.id)).toBe(false);
    expect(await userForApiToken(first.token)).toBeNull();
    // Not ours, too long, or a disabled owner's: nobody.
    expect(await userForApiToken(second.token.replace(/^hk_/, "xx_"))).toBeNull();
    expect(await userForApiToken(`${second.token}${"a".repeat(200)}`)).toBeNull();
    await db.user.update({ where: { id: owner.id }, data: { disabled: true } });
    expect(await userForApiToken(second.token)).toBeNull();
  });

  it("note their last use at most once a minute", async () => {
    const owner = await createTestUser({ role: "RESEARCHER" });
    const { token, summary } = await createApiToken(owner.id, "timed");
    const lastUsed = async () => (await db.apiToken.findUniqueOrThrow({ where: { id: summary.id } })).lastUsedAt;
    await userForApiToken(token);
    const firstUse = await lastUsed();
    expect(firstUse).not.toBeNull();
    await userForApiToken(token);
    expect(await lastUsed()).toEqual(firstUse);
    const longAgo = new Date(Date.now() - 61_000);
    await db.apiToken.update({ where: { id: summary.id }, data: { lastUsedAt: longAgo } });
    await userForApiToken(token);
    expect((await lastUsed())!.getTime()).toBeGreaterThan(longAgo.getTime() + 30_000);
    // 59 s ago: not yet written again.
    const recently = new Date(Date.now() - 59_000);
    await db.apiToken.update({ where: { id: summary.id }, data: { lastUsedAt: recently } });
    await userForApiToken(token);
    expect(await lastUsed()).toEqual(recently);
  });

  it("are read from a Bearer header, in any case and spacing, and a malformed one is never the session", async () => {
    const owner = await createTestUser({ role: "RESEARCHER" });
    const annotator = await createTestUser({ role: "ANNOTATOR" });
    const { token } = await createApiToken(owner.id, "header");
    const { token: annotatorToken } = await createApiToken(annotator.id, "not a researcher");
    const asCaller = async (authorization: string) => {
      const caller = await researcherFromRequest(new Request("http://hikaku.test/api", { headers: { authorization } }));
      return "user" in caller ? caller.user.id : caller.response.status;
    };
    expect(await asCaller(`Bearer ${token}`)).toBe(owner.id);
    expect(await asCaller(`  bearer   ${token}  `)).toBe(owner.id);
    for (const malformed of [`Bearer`, `Bearer ${token} extra`, `Token ${token}`, `xBearer ${token}`, token])
      expect(await asCaller(malformed), malformed).toBe(401);
    expect(await asCaller(`Bearer ${annotatorToken}`)).toBe(403);
  });
});

describe("invitations", () => {
  it("expire after the days asked for, are audited with their role, and are listed while pending, newest first", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const campaign = await createTestCampaign();
    const before = Date.now();
    const older = await createInvitation(admin.id, { role: "ANNOTATOR", expiresInDays: 7, campaignId: campaign.id });
    const newer = await createInvitation(admin.id, { role: "RESEARCHER", email: " New@Example.TEST ", expiresInDays: 1 });
    expect(older.expiresAt.getTime() - before).toBeGreaterThanOrEqual(7 * 86_400_000);
    expect(older.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
    expect(await lastAudit(newer.id, "invitation.created")).toMatchObject({
      actorId: admin.id,
      subjectType: "Invitation",
      data: { role: "RESEARCHER" },
    });
    const found = await findInvitation(newer.token);
    expect(found).toMatchObject({
      ok: true,
      invitation: { id: newer.id, role: "RESEARCHER", email: "new@example.test", campaignName: null },
    });
    expect(await findInvitation(older.token)).toMatchObject({ ok: true, invitation: { campaignName: campaign.name } });
    const pending = (await listPendingInvitations()).filter((i) => [older.id, newer.id].includes(i.id));
    expect(pending.map((i) => i.id)).toEqual([newer.id, older.id]);
    expect(pending[1]).toMatchObject({ role: "ANNOTATOR", email: null, campaignName: campaign.name });

    expect(await revokeInvitation(admin.id, newer.id)).toBe(true);
    expect(await lastAudit(newer.id, "invitation.revoked")).toMatchObject({ actorId: admin.id, subjectType: "Invitation" });
    expect(await revokeInvitation(admin.id, newer.id)).toBe(false);
    expect(await db.auditEvent.count({ where: { subjectId: newer.id, action: "invitation.revoked" } })).toBe(1);
    expect((await listPendingInvitations()).some((i) => i.id === newer.id)).toBe(false);
  });

  it("refuse a link at the very moment it expires, and record who accepted one", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const invitation = await createInvitation(admin.id, { role: "ANNOTATOR", expiresInDays: 1 });
    const email = `joiner-${uniqueSuffix()}@example.test`;
    const accepted = await acceptInvitation(invitation.token, { email, displayName: "  Joiner  ", password: "a long enough password" });
    if (!accepted.ok) throw new Error(accepted.code);
    expect(await db.user.findUniqueOrThrow({ where: { id: accepted.userId } })).toMatchObject({ displayName: "Joiner", role: "ANNOTATOR" });
    expect(await lastAudit(invitation.id, "invitation.accepted")).toMatchObject({ actorId: accepted.userId, subjectType: "Invitation" });
    // A used link stays used (and is not pending).
    expect((await listPendingInvitations()).some((i) => i.id === invitation.id)).toBe(false);
    const now = await createInvitation(admin.id, { role: "ANNOTATOR", expiresInDays: 1 });
    await db.invitation.update({ where: { id: now.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await findInvitation(now.token)).toEqual({ ok: false, code: "EXPIRED" });
    expect((await listPendingInvitations()).some((i) => i.id === now.id)).toBe(false);
  });
});

describe("admins and users", () => {
  it("creates an admin, resets an existing admin's password (enabling the account), and refuses another role's address", async () => {
    const email = `admin-${uniqueSuffix()}@example.test`;
    const created = await createOrResetAdmin({ email: ` ${email.toUpperCase()} `, password: "first password here" });
    if (!created.ok) throw new Error(created.code);
    expect(created.created).toBe(true);
    const stored = await db.user.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored).toMatchObject({ email, role: "ADMIN", displayName: email.split("@")[0] });
    expect(await lastAudit(created.id, "admin.created")).toMatchObject({ actorId: null, subjectType: "User" });
    await db.user.update({ where: { id: created.id }, data: { disabled: true } });
    expect(await createOrResetAdmin({ email, password: "second password here", displayName: "Ignored" })).toEqual({
      ok: true,
      id: created.id,
      created: false,
    });
    const reset = await db.user.findUniqueOrThrow({ where: { id: created.id }, select: { disabled: true, passwordHash: true } });
    expect(reset.disabled).toBe(false);
    expect(await verifyPassword(reset.passwordHash, "second password here")).toBe(true);
    expect(await lastAudit(created.id, "admin.password_reset")).toMatchObject({ actorId: null, subjectType: "User" });
    const named = await createOrResetAdmin({ email: `named-${email}`, password: "a password here", displayName: "Named Admin" });
    expect(named.ok && (await db.user.findUniqueOrThrow({ where: { id: named.id } })).displayName).toBe("Named Admin");
    const annotator = await createTestUser({ role: "ANNOTATOR" });
    expect(await createOrResetAdmin({ email: annotator.email, password: "a password here" })).toEqual({
      ok: false,
      code: "EXISTS_NOT_ADMIN",
    });
  });

  it("lists users oldest first, and audits disabling and enabling", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const [older, newer] = [await createTestUser(), await createTestUser()];
    // An update writes the row anew after the newer one, so only an ORDER BY keeps the older first.
    await db.user.update({ where: { id: older.id }, data: { disabled: false } });
    const ids = (await listUsers()).map((u) => u.id);
    expect(ids.indexOf(older.id)).toBeLessThan(ids.indexOf(newer.id));
    expect((await listUsers()).find((u) => u.id === older.id)).toEqual({
      id: older.id,
      email: older.email,
      displayName: older.displayName,
      role: "ANNOTATOR",
      disabled: false,
      createdAt: older.createdAt,
    });
    expect(await setDisabled(admin.id, older.id, true)).toEqual({ ok: true });
    expect(await lastAudit(older.id, "user.disabled")).toMatchObject({ actorId: admin.id, subjectType: "User" });
    expect(await setDisabled(admin.id, older.id, false)).toEqual({ ok: true });
    expect(await lastAudit(older.id, "user.enabled")).toMatchObject({ actorId: admin.id });
  });
});

describe("roles and where they land", () => {
  it("nest admin over researcher over annotator, and send each to its home page", () => {
    expect([hasRole("ADMIN", "RESEARCHER"), hasRole("RESEARCHER", "RESEARCHER"), hasRole("ANNOTATOR", "RESEARCHER")]).toEqual([
      true,
      true,
      false,
    ]);
    expect(["ADMIN", "RESEARCHER", "ANNOTATOR"].map((role) => homePathFor(role as "ADMIN"))).toEqual([
      "/admin/users",
      "/campaigns",
      "/vote",
    ]);
  });

  it("keeps a sign-in's way back on this app, with its query and fragment", () => {
    const origin = "https://hikaku.example";
    expect(safeCallbackPath("/campaigns/x?tab=1#top", origin)).toBe("/campaigns/x?tab=1#top");
    for (const away of [undefined, "", "campaigns", "//evil.example", "/\\evil.example", "/%09/evil.example", "/%E0%A4%A"])
      expect(safeCallbackPath(away, origin), String(away)).toBe("/");
  });
});
