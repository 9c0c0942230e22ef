import { describe, expect, it, vi } from "vitest";
import { IDLE } from "@/lib/action-state";
import { db } from "@/lib/db";
import { createTestUser } from "@/lib/testing/factories";
import { actAs, FORBIDDEN, form, interruption, SIGN_IN_REDIRECT, takeRevalidated } from "@/lib/testing/next-request";
import { createTokenAction, revokeTokenAction } from "./actions";
import { userForApiToken } from "./api-tokens";

vi.mock("next/headers", async () => (await import("@/lib/testing/next-request")).nextHeaders);
vi.mock("next/cache", async () => (await import("@/lib/testing/next-request")).nextCache);

describe("the API token actions of the settings page", () => {
  it("are for researchers and admins only", async () => {
    await actAs(null);
    expect(await interruption(createTokenAction(IDLE, form({ name: "laptop" })))).toMatch(SIGN_IN_REDIRECT);
    const annotator = await createTestUser();
    await actAs(annotator);
    expect(await interruption(createTokenAction(IDLE, form({ name: "laptop" })))).toBe(FORBIDDEN);
    expect(await interruption(revokeTokenAction(IDLE, form({ tokenId: crypto.randomUUID() })))).toBe(FORBIDDEN);
    expect(await db.apiToken.count({ where: { userId: annotator.id } })).toBe(0);
  });

  it("create a token for the caller, shown once with its trimmed name, that the API accepts until it is revoked", async () => {
    const researcher = await createTestUser({ role: "RESEARCHER" });
    await actAs(researcher);
    const created = await createTokenAction(IDLE, form({ name: "  notebook  " }));
    if (created.status !== "ok") throw new Error(JSON.stringify(created));
    expect(created.name).toBe("notebook");
    expect((await userForApiToken(created.token))?.id).toBe(researcher.id);
    const row = await db.apiToken.findFirstOrThrow({ where: { userId: researcher.id } });
    expect(row.name).toBe("notebook");
    expect(takeRevalidated()).toEqual(["/settings/tokens"]);

    // Someone else's token is not theirs to revoke: it looks missing.
    await actAs(await createTestUser({ role: "ADMIN" }));
    expect(await revokeTokenAction(IDLE, form({ tokenId: row.id }))).toEqual({ status: "error", code: "NOT_FOUND" });
    expect(await userForApiToken(created.token)).not.toBeNull();

    await actAs(researcher);
    expect(await revokeTokenAction(IDLE, form({ tokenId: row.id }))).toEqual({ status: "idle" });
    expect(await userForApiToken(created.token)).toBeNull();
    expect(takeRevalidated()).toEqual(["/settings/tokens"]);
    expect(await revokeTokenAction(IDLE, form({ tokenId: row.id }))).toEqual({ status: "error", code: "NOT_FOUND" });
    expect(await revokeTokenAction(IDLE, form({ tokenId: "not-a-uuid" }))).toEqual({ status: "error", code: "NOT_FOUND" });
    expect(takeRevalidated()).toEqual([]);
  });

  it("refuse a name that is empty or longer than 100 characters", async () => {
    const researcher = await createTestUser({ role: "RESEARCHER" });
    await actAs(researcher);
    expect(await createTokenAction(IDLE, form({ name: "   " }))).toEqual({ status: "error", code: "INVALID" });
    expect(await createTokenAction(IDLE, form({ name: "x".repeat(101) }))).toEqual({ status: "error", code: "INVALID" });
    expect(await createTokenAction(IDLE, new FormData())).toEqual({ status: "error", code: "INVALID" });
    expect(await createTokenAction(IDLE, form({ name: "x".repeat(100) }))).toMatchObject({ status: "ok" });
    expect(await db.apiToken.count({ where: { userId: researcher.id } })).toBe(1);
  });
});
