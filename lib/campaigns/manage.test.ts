import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createTestUser } from "@/lib/testing/factories";
import { createCampaign, updateCampaignSettings } from "./manage";
import { campaignSettingsSchema } from "./settings";

describe("campaign settings", () => {
  it("are audited with what changed, from what to what", async () => {
    const researcher = await createTestUser({ role: "RESEARCHER" });
    const created = await createCampaign(researcher.id, `audited-${Date.now()}`, campaignSettingsSchema.parse({ name: "Audited" }));
    if (!created.ok) throw new Error(created.code);
    const before = await db.campaign.findUniqueOrThrow({ where: { id: created.id } });
    const settings = campaignSettingsSchema.parse({ ...before, revealModelsAfterVote: true, targetVotesPerItem: 7 });
    expect(await updateCampaignSettings(researcher.id, created.id, settings)).toMatchObject({ ok: true });
    const event = await db.auditEvent.findFirstOrThrow({ where: { subjectId: created.id, action: "campaign.updated" } });
    expect(event.actorId).toBe(researcher.id);
    expect(event.data).toEqual({
      changes: { revealModelsAfterVote: { from: false, to: true }, targetVotesPerItem: { from: before.targetVotesPerItem, to: 7 } },
    });
  });

  it("of a campaign that does not exist say NOT_FOUND", async () => {
    const settings = campaignSettingsSchema.parse({ name: "Nowhere" });
    expect(await updateCampaignSettings(null, "00000000-0000-4000-8000-000000000000", settings)).toEqual({ ok: false, code: "NOT_FOUND" });
  });
});
