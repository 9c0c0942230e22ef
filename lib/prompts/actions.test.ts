import { beforeAll, describe, expect, it, vi } from "vitest";
import { IDLE } from "@/lib/action-state";
import { db } from "@/lib/db";
import { createTestUser, createVotingCampaign } from "@/lib/testing/factories";
import { actAs, FORBIDDEN, form, interruption, SIGN_IN_REDIRECT, takeRevalidated } from "@/lib/testing/next-request";
import { setPromptExcludedAction } from "./actions";

vi.mock("next/headers", async () => (await import("@/lib/testing/next-request")).nextHeaders);
vi.mock("next/cache", async () => (await import("@/lib/testing/next-request")).nextCache);

describe("leaving a prompt out from the prompts page", () => {
  let campaign: { id: string; slug: string };
  let promptId: string;
  let researcher: { id: string };
  const fields = (overrides: Record<string, string> = {}) =>
    form({ campaignId: campaign.id, slug: campaign.slug, promptId, excluded: "true", reason: "  leaks the answer  ", ...overrides });
  const excludedAt = async () => (await db.prompt.findUniqueOrThrow({ where: { id: promptId } })).excludedAt;

  beforeAll(async () => {
    ({ campaign } = await createVotingCampaign({ prompts: 1, models: 2, annotators: [] }));
    promptId = (await db.prompt.findFirstOrThrow({ where: { campaignId: campaign.id } })).id;
    researcher = await createTestUser({ role: "RESEARCHER" });
    await db.campaignMember.create({ data: { campaignId: campaign.id, userId: researcher.id } });
  });

  it("is refused to the signed-out, to annotators and to researchers of other campaigns", async () => {
    await actAs(null);
    expect(await interruption(setPromptExcludedAction(IDLE, fields()))).toMatch(SIGN_IN_REDIRECT);
    await actAs(await createTestUser());
    expect(await interruption(setPromptExcludedAction(IDLE, fields()))).toBe(FORBIDDEN);
    await actAs(await createTestUser({ role: "RESEARCHER" }));
    expect(await setPromptExcludedAction(IDLE, fields())).toEqual({ status: "error", code: "NOT_FOUND" });
    expect(await excludedAt()).toBeNull();
    expect(takeRevalidated()).toEqual([]);
  });

  it("leaves the prompt out with the trimmed reason and takes it back, each time refreshing the page", async () => {
    await actAs(researcher);
    expect(await setPromptExcludedAction(IDLE, fields())).toEqual({ status: "ok" });
    expect(await db.prompt.findUniqueOrThrow({ where: { id: promptId } })).toMatchObject({
      excludedById: researcher.id,
      excludeReason: "leaks the answer",
    });
    expect(takeRevalidated()).toEqual([`/campaigns/${campaign.slug}/prompts`]);

    expect(await setPromptExcludedAction(IDLE, fields({ excluded: "false" }))).toEqual({ status: "ok" });
    expect(await excludedAt()).toBeNull();
    expect(takeRevalidated()).toEqual([`/campaigns/${campaign.slug}/prompts`]);

    // An empty reason is no reason, not an empty string.
    expect(await setPromptExcludedAction(IDLE, fields({ reason: "   " }))).toEqual({ status: "ok" });
    expect((await db.prompt.findUniqueOrThrow({ where: { id: promptId } })).excludeReason).toBeNull();
    await setPromptExcludedAction(IDLE, fields({ excluded: "false" }));
    takeRevalidated();
  });

  it("refuses a prompt of another campaign and a form it cannot read, as missing", async () => {
    await actAs(researcher);
    const { campaign: other } = await createVotingCampaign({ prompts: 1, models: 2, annotators: [] });
    const otherPrompt = await db.prompt.findFirstOrThrow({ where: { campaignId: other.id } });
    expect(await setPromptExcludedAction(IDLE, fields({ promptId: otherPrompt.id }))).toEqual({ status: "error", code: "NOT_FOUND" });
    expect((await db.prompt.findUniqueOrThrow({ where: { id: otherPrompt.id } })).excludedAt).toBeNull();
    const unreadable: Record<string, string>[] = [{ excluded: "yes" }, { promptId: "p0" }, { reason: "x".repeat(501) }, { slug: "" }];
    for (const bad of unreadable) expect(await setPromptExcludedAction(IDLE, fields(bad))).toEqual({ status: "error", code: "NOT_FOUND" });
    expect(await excludedAt()).toBeNull();
    expect(takeRevalidated()).toEqual([]);
  });
});
