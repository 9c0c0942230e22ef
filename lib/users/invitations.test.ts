import { describe, expect, it } from "vitest";
import { authenticate } from "@/lib/auth/sign-in";
import { db } from "@/lib/db";
import { createTestCampaign, createTestUser, TEST_PASSWORD, testIp, uniqueSuffix } from "@/lib/testing/factories";
import { acceptInvitation, createInvitation, findInvitation, revokeInvitation } from "./invitations";

async function adminId() {
  return (await createTestUser({ role: "ADMIN" })).id;
}

function newAccount() {
  return { email: `new-${uniqueSuffix()}@example.test`, displayName: "New Person", password: TEST_PASSWORD };
}

describe("invitations", () => {
  it("create an account with the invited role that can sign in, and use the link up", async () => {
    const { token } = await createInvitation(await adminId(), { role: "RESEARCHER", expiresInDays: 7 });
    const account = newAccount();
    const accepted = await acceptInvitation(token, account);
    expect(accepted.ok).toBe(true);
    const signIn = await authenticate(account.email, account.password, testIp());
    expect(signIn.ok && signIn.user.role).toBe("RESEARCHER");
    expect(await findInvitation(token)).toEqual({ ok: false, code: "USED" });
    expect(await acceptInvitation(token, newAccount())).toEqual({ ok: false, code: "USED" });
  });

  it("store only a hash of the token", async () => {
    const { id, token } = await createInvitation(await adminId(), { role: "ANNOTATOR", expiresInDays: 1 });
    const stored = await db.invitation.findUniqueOrThrow({ where: { id } });
    expect(stored.tokenHash).not.toContain(token);
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuse an expired invitation", async () => {
    const { id, token } = await createInvitation(await adminId(), { role: "ANNOTATOR", expiresInDays: 1 });
    await db.invitation.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await acceptInvitation(token, newAccount())).toEqual({ ok: false, code: "EXPIRED" });
  });

  it("refuse a withdrawn invitation and an unknown token", async () => {
    const admin = await adminId();
    const { id, token } = await createInvitation(admin, { role: "ANNOTATOR", expiresInDays: 1 });
    expect(await revokeInvitation(admin, id)).toBe(true);
    expect(await acceptInvitation(token, newAccount())).toEqual({ ok: false, code: "REVOKED" });
    expect(await findInvitation("not-a-real-token-at-all-xxxxxxxx")).toEqual({ ok: false, code: "NOT_FOUND" });
  });

  it("create exactly one account when the same link is submitted twice at once", async () => {
    const { token } = await createInvitation(await adminId(), { role: "ANNOTATOR", expiresInDays: 1 });
    const results = await Promise.all([acceptInvitation(token, newAccount()), acceptInvitation(token, newAccount())]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, code: "USED" });
  });

  it("hold to the e-mail address they were made for", async () => {
    const email = `only-${uniqueSuffix()}@example.test`;
    const { token } = await createInvitation(await adminId(), { role: "ANNOTATOR", email, expiresInDays: 1 });
    expect(await acceptInvitation(token, newAccount())).toEqual({ ok: false, code: "EMAIL_MISMATCH" });
    expect((await acceptInvitation(token, { ...newAccount(), email: email.toUpperCase() })).ok).toBe(true);
  });

  it("refuse an e-mail that already has an account and leave the link usable", async () => {
    const existing = await createTestUser();
    const { token } = await createInvitation(await adminId(), { role: "ANNOTATOR", expiresInDays: 1 });
    expect(await acceptInvitation(token, { ...newAccount(), email: existing.email })).toEqual({ ok: false, code: "EMAIL_TAKEN" });
    expect((await findInvitation(token)).ok).toBe(true);
  });

  it("add the new annotator to the invitation's campaign", async () => {
    const campaign = await createTestCampaign();
    const { token } = await createInvitation(await adminId(), { role: "ANNOTATOR", campaignId: campaign.id, expiresInDays: 1 });
    const accepted = await acceptInvitation(token, newAccount());
    if (!accepted.ok) throw new Error(accepted.code);
    const membership = await db.campaignMember.findUnique({
      where: { campaignId_userId: { campaignId: campaign.id, userId: accepted.userId } },
    });
    expect(membership).not.toBeNull();
  });
});
