import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { Outcome } from "@/lib/generated/prisma/enums";
import { createTestUser, createVotingCampaign } from "@/lib/testing/factories";
import { recordVote } from "./record-vote";

/**
 * The running tallies per pair of models (PairStat: votes, wins of the model with the smaller id,
 * wins of the other) are what the active sampler and the separation planner read between
 * leaderboard computations. Each outcome, with either model on the left, must move them exactly.
 */
describe("the per-pair tallies after votes", () => {
  it("count every vote, and a win for the model that won it, whichever side it was shown on", async () => {
    const annotator = await createTestUser({ role: "ANNOTATOR" });
    const { campaign } = await createVotingCampaign({ prompts: 10, models: 2, annotators: [annotator.id] });
    const items = await db.item.findMany({ where: { campaignId: campaign.id }, orderBy: { id: "asc" } });
    const outcomes: Outcome[] = ["LEFT", "RIGHT", "TIE", "BOTH_BAD", "BOTH_GOOD"];
    await db.campaign.update({ where: { id: campaign.id }, data: { allowedOutcomes: outcomes } });
    // Each outcome twice: once with the low model on the left, once with it on the right.
    const cast = items.map((item, i) => ({ item, outcome: outcomes[i % 5], lowOnLeft: i < 5 }));
    for (const [i, { item, lowOnLeft }] of cast.entries()) {
      await db.assignment.create({
        data: {
          id: `tally-${campaign.id}-${i}`.padEnd(43, "t"),
          campaignId: campaign.id,
          annotatorId: annotator.id,
          itemId: item.id,
          promptId: item.promptId,
          leftOutputId: lowOnLeft ? item.lowOutputId : item.highOutputId,
          rightOutputId: lowOnLeft ? item.highOutputId : item.lowOutputId,
          issuedAt: new Date(Date.now() - 60_000),
          expiresAt: new Date(Date.now() + 600_000),
        },
      });
    }
    const tally = () =>
      db.pairStat.findUniqueOrThrow({
        where: {
          campaignId_lowModelId_highModelId: {
            campaignId: campaign.id,
            lowModelId: items[0].lowModelId,
            highModelId: items[0].highModelId,
          },
        },
        select: { votes: true, winsLow: true, winsHigh: true },
      });
    const expected = { votes: 0, winsLow: 0, winsHigh: 0 };
    for (const [i, { outcome, lowOnLeft }] of cast.entries()) {
      const result = await recordVote(annotator.id, {
        assignmentId: `tally-${campaign.id}-${i}`.padEnd(43, "t"),
        outcome,
        durationMs: 4000,
      });
      expect(result).toMatchObject({ ok: true, duplicate: false });
      expected.votes++;
      const lowWon = (outcome === "LEFT" && lowOnLeft) || (outcome === "RIGHT" && !lowOnLeft);
      const highWon = (outcome === "LEFT" && !lowOnLeft) || (outcome === "RIGHT" && lowOnLeft);
      expected.winsLow += lowWon ? 1 : 0;
      expected.winsHigh += highWon ? 1 : 0;
      expect(await tally(), `after ${outcome} with the low model on the ${lowOnLeft ? "left" : "right"}`).toEqual(expected);
    }
    expect(expected).toEqual({ votes: 10, winsLow: 2, winsHigh: 2 });
    // A repeated vote changes nothing.
    await recordVote(annotator.id, { assignmentId: `tally-${campaign.id}-0`.padEnd(43, "t"), outcome: "LEFT", durationMs: 4000 });
    expect(await tally()).toEqual(expected);
  });
});
