import { beforeAll, describe, expect, it, vi } from "vitest";
import { IDLE } from "@/lib/action-state";
import { db } from "@/lib/db";
import { hashToken } from "@/lib/auth/tokens";
import { createTestCampaign, createTestUser, TEST_PASSWORD, uniqueSuffix } from "@/lib/testing/factories";
import { actAs, FORBIDDEN, form, interruption, SIGN_IN_REDIRECT, takeRevalidated } from "@/lib/testing/next-request";
import { changeRoleAction, createInvitationAction, setUserDisabledAction, signUpAction, withdrawInvitationAction } from "./actions";

vi.mock("next/headers", async () => (await import("@/lib/testing/next-request")).nextHeaders);
vi.mock("next/cache", async () => (await import("@/lib/testing/next-request")).nextCache);

const MISSING_ID = "00000000-0000-4000-8000-000000000000";

describe("the admin's user actions", () => {
  let admin: { id: string };
  beforeAll(async () => {
    admin = await createTestUser({ role: "ADMIN" });
  });

  it("send the signed-out to sign in and refuse researchers, changing nothing", async () => {
    const annotator = await createTestUser();
    await actAs(null);
    expect(await interruption(changeRoleAction(IDLE, form({ userId: annotator.id, role: "ADMIN" })))).toMatch(SIGN_IN_REDIRECT);
    await actAs(await createTestUser({ role: "RESEARCHER" }));
    for (const attempt of [
      () => changeRoleAction(IDLE, form({ userId: annotator.id, role: "ADMIN" })),
      () => setUserDisabledAction(IDLE, form({ userId: annotator.id, disabled: "true" })),
      () => createInvitationAction(IDLE, form({ role: "ADMIN", email: "", campaignId: "", expiresInDays: "7" })),
      () => withdrawInvitationAction(form({ invitationId: MISSING_ID })),
    ])
      expect(await interruption(attempt())).toBe(FORBIDDEN);
    expect(await db.user.findUniqueOrThrow({ where: { id: annotator.id } })).toMatchObject({ role: "ANNOTATOR", disabled: false });
    expect(takeRevalidated()).toEqual([]);
  });

  it("change a role and disable an account, and refuse what the domain refuses with its code", async () => {
    const user = await createTestUser();
    await actAs(admin);
    expect(await changeRoleAction(IDLE, form({ userId: user.id, role: "RESEARCHER" }))).toEqual({ status: "ok" });
    expect(await setUserDisabledAction(IDLE, form({ userId: user.id, disabled: "true" }))).toEqual({ status: "ok" });
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ role: "RESEARCHER", disabled: true });
    expect(await setUserDisabledAction(IDLE, form({ userId: user.id, disabled: "false" }))).toEqual({ status: "ok" });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).disabled).toBe(false);
    expect(takeRevalidated()).toEqual(["/admin/users", "/admin/users", "/admin/users"]);

    expect(await changeRoleAction(IDLE, form({ userId: admin.id, role: "ANNOTATOR" }))).toEqual({ status: "error", code: "SELF" });
    expect(await setUserDisabledAction(IDLE, form({ userId: MISSING_ID, disabled: "true" }))).toEqual({
      status: "error",
      code: "NOT_FOUND",
    });
    expect(await changeRoleAction(IDLE, form({ userId: user.id, role: "OWNER" }))).toEqual({ status: "error", code: "INVALID" });
    expect(await changeRoleAction(IDLE, form({ userId: "not-a-uuid", role: "ADMIN" }))).toEqual({ status: "error", code: "INVALID" });
    expect(await setUserDisabledAction(IDLE, form({ userId: user.id, disabled: "yes" }))).toEqual({ status: "error", code: "INVALID" });
    expect(takeRevalidated()).toEqual([]);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("RESEARCHER");
  });

  it("create an invitation whose link signs up, and withdraw one", async () => {
    const campaign = await createTestCampaign();
    await actAs(admin);
    const before = Date.now();
    const created = await createInvitationAction(
      IDLE,
      form({ role: "RESEARCHER", email: "Invited@Example.test", campaignId: campaign.id, expiresInDays: "3" }),
    );
    if (created.status !== "ok") throw new Error(JSON.stringify(created));
    expect(created.path).toMatch(/^\/invite\/\S{20,}$/);
    const expiresIn = new Date(created.expiresAt).getTime() - before;
    expect(expiresIn).toBeGreaterThan(3 * 86_400_000 - 60_000);
    expect(expiresIn).toBeLessThanOrEqual(3 * 86_400_000 + 60_000);
    const token = created.path.slice("/invite/".length);
    expect(await db.invitation.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } })).toMatchObject({
      role: "RESEARCHER",
      email: "invited@example.test",
      campaignId: campaign.id,
      createdById: admin.id,
    });
    expect(takeRevalidated()).toEqual(["/admin/users"]);

    // Empty e-mail and campaign fields are "anyone" and "no campaign", not refused.
    const open = await createInvitationAction(IDLE, form({ role: "ANNOTATOR", email: "", campaignId: "", expiresInDays: "1" }));
    if (open.status !== "ok") throw new Error(JSON.stringify(open));
    const openRow = await db.invitation.findUniqueOrThrow({ where: { tokenHash: hashToken(open.path.slice("/invite/".length)) } });
    expect(openRow).toMatchObject({ role: "ANNOTATOR", email: null, campaignId: null });
    takeRevalidated();

    await withdrawInvitationAction(form({ invitationId: openRow.id }));
    expect((await db.invitation.findUniqueOrThrow({ where: { id: openRow.id } })).revokedAt).not.toBeNull();
    expect(takeRevalidated()).toEqual(["/admin/users"]);
    await withdrawInvitationAction(form({ invitationId: "not-a-uuid" }));
    expect(takeRevalidated()).toEqual([]);
  });

  it("point at the invitation fields to look at again", async () => {
    await actAs(admin);
    const fields = (fields: Record<string, string>) => createInvitationAction(IDLE, form(fields));
    const valid = { role: "ANNOTATOR", email: "", campaignId: "", expiresInDays: "7" };
    expect(await fields({ ...valid, expiresInDays: "0" })).toEqual({ status: "invalid", fields: ["expiresInDays"] });
    expect(await fields({ ...valid, expiresInDays: "91" })).toEqual({ status: "invalid", fields: ["expiresInDays"] });
    expect(await fields({ ...valid, expiresInDays: "90" })).toMatchObject({ status: "ok" });
    expect(await fields({ ...valid, email: "not an e-mail" })).toEqual({ status: "invalid", fields: ["email"] });
    expect(await fields({ ...valid, role: "OWNER" })).toEqual({ status: "invalid", fields: ["role"] });
    // A well-formed id that names no campaign is a mistake in the form too, not a crash.
    expect(await fields({ ...valid, campaignId: MISSING_ID })).toEqual({ status: "invalid", fields: ["campaignId"] });
    expect(await fields({ ...valid, campaignId: "nope" })).toEqual({ status: "invalid", fields: ["campaignId"] });
  });
});

describe("signing up with an invitation", () => {
  async function invitation(email?: string): Promise<string> {
    const admin = await createTestUser({ role: "ADMIN" });
    await actAs(admin);
    const created = await createInvitationAction(
      IDLE,
      form({ role: "RESEARCHER", email: email ?? "", campaignId: "", expiresInDays: "1" }),
    );
    if (created.status !== "ok") throw new Error(JSON.stringify(created));
    await actAs(null);
    return created.path.slice("/invite/".length);
  }
  const signUp = (fields: Partial<Record<"token" | "email" | "displayName" | "password" | "passwordConfirm", string>>) =>
    signUpAction(IDLE, form({ displayName: "New Person", password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD, ...fields }));

  it("needs no session, makes the account with the invitation's role and uses the invitation up", async () => {
    const token = await invitation();
    const email = `new-${uniqueSuffix()}@example.test`;
    expect(await signUp({ token, email, displayName: "  New Person  " })).toEqual({ status: "ok", email });
    expect(await db.user.findUniqueOrThrow({ where: { email } })).toMatchObject({ role: "RESEARCHER", displayName: "New Person" });
    expect(await signUp({ token, email: `again-${uniqueSuffix()}@example.test` })).toEqual({ status: "error", code: "USED" });
  });

  it("names the fields to look at again and the invitation's problem", async () => {
    const token = await invitation(`only-${uniqueSuffix()}@example.test`);
    const email = `other-${uniqueSuffix()}@example.test`;
    expect(await signUp({ token, email, passwordConfirm: `${TEST_PASSWORD}!` })).toEqual({
      status: "invalid",
      fields: ["passwordConfirm"],
    });
    expect(await signUp({ token, email, password: "short", passwordConfirm: "short" })).toEqual({
      status: "invalid",
      fields: ["password"],
    });
    expect(await signUp({ token, email, displayName: "   " })).toEqual({ status: "invalid", fields: ["displayName"] });
    expect(await signUp({ token, email: "no-at-sign" })).toEqual({ status: "invalid", fields: ["email"] });
    expect(await signUp({ token: "short", email })).toEqual({ status: "invalid", fields: ["token"] });
    expect(await signUp({ token, email })).toEqual({ status: "error", code: "EMAIL_MISMATCH" });
    expect(await signUp({ token: "x".repeat(40), email })).toEqual({ status: "error", code: "NOT_FOUND" });
    expect(await db.user.count({ where: { email } })).toBe(0);
  });
});
