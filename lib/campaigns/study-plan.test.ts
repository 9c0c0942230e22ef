import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GET as studyRoute } from "@/app/api/v1/campaigns/[slug]/study/route";
import { createApiToken } from "@/lib/auth/api-tokens";
import { db } from "@/lib/db";
import { importRows } from "@/lib/imports/write";
import { runHikaku } from "@/lib/testing/cli";
import { createTestUser, createVotingCampaign } from "@/lib/testing/factories";
import { setCampaignStatus } from "./manage";
import { studyPlanOf } from "./study-plan";

describe("the study plan", () => {
  it("is recorded when the campaign first opens, kept through closing and reopening, and says what changed since", async () => {
    const owner = await createTestUser({ role: "RESEARCHER" });
    const { campaign, modelNames } = await createVotingCampaign({
      prompts: 3,
      models: 3,
      annotators: [],
      settings: { targetVotesPerItem: 5 },
    });
    await db.campaign.update({ where: { id: campaign.id }, data: { createdById: owner.id } });
    // The factory opened it behind the domain's back: no plan yet. Opened through the domain, it has one.
    expect(await studyPlanOf(campaign.id)).toBeNull();
    await setCampaignStatus(null, campaign.id, "CLOSED");
    expect((await setCampaignStatus(null, campaign.id, "ACTIVE")).ok).toBe(true);
    const opened = await studyPlanOf(campaign.id);
    expect(opened?.plan).toMatchObject({
      campaign: campaign.slug,
      strategy: "BALANCED",
      target: { kind: "votes-per-pair", votesPerPair: 5 },
      models: [...modelNames].sort(),
      prompts: { count: 3, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      settings: expect.objectContaining({ allowedOutcomes: ["LEFT", "RIGHT", "TIE", "BOTH_BAD"], live: false }),
    });
    expect(opened?.changedSince).toEqual([]);
    const recordedAt = opened!.plan.recordedAt;

    await setCampaignStatus(null, campaign.id, "CLOSED");
    await db.campaign.update({ where: { id: campaign.id }, data: { targetVotesPerItem: 9 } });
    await importRows(null, campaign.id, [
      { line: 1, source: "late", promptId: "late-prompt", turns: ["Added after the plan"], model: modelNames[0], outputTurns: ["A"] },
      { line: 2, source: "late", promptId: "late-prompt", model: modelNames[1], outputTurns: ["B"] },
    ]);
    expect((await setCampaignStatus(null, campaign.id, "ACTIVE")).ok).toBe(true);
    const reopened = await studyPlanOf(campaign.id);
    expect(reopened?.plan.recordedAt).toBe(recordedAt);
    expect(reopened?.plan.target).toEqual({ kind: "votes-per-pair", votesPerPair: 5 });
    expect(reopened?.changedSince).toEqual(["prompts", "target"]);

    // The API serves it, as export-votes writes it beside the votes.
    const { token } = await createApiToken(owner.id, "plan");
    const response = await studyRoute(
      new Request(`http://hikaku.test/api/v1/campaigns/${campaign.slug}/study`, { headers: { authorization: `Bearer ${token}` } }),
      { params: Promise.resolve({ slug: campaign.slug }) },
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ campaign: campaign.slug, plan: reopened!.plan, changedSince: ["prompts", "target"] });

    const dir = join(mkdtempSync(join(tmpdir(), "study-")), "export") + "/";
    const exported = runHikaku(["export-votes", "--campaign", campaign.slug, "--format", "csv", "--out", dir]);
    expect(exported.stderr).toContain(`to ${join(dir, "votes.csv")}`);
    expect(existsSync(join(dir, "votes.csv"))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "study.json"), "utf8"))).toEqual(body);
  });

  it("is not recorded when opening is refused (nothing to judge yet)", async () => {
    const draft = await db.campaign.create({ data: { slug: `draft-${Date.now().toString(36)}`, name: "draft" } });
    expect(await setCampaignStatus(null, draft.id, "ACTIVE")).toEqual({ ok: false, code: "NO_ITEMS" });
    expect(await studyPlanOf(draft.id)).toBeNull();
  });
});
