import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { setAnnotatorFlag } from "@/lib/campaigns/flags";
import { env } from "@/lib/env";
import { importRows } from "@/lib/imports/write";
import { DEFAULT_FILTERS } from "@/lib/results/filters";
import { getLeaderboard } from "@/lib/results/leaderboard";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { answerText, createTestCampaign, createTestUser, createVotingCampaign, modelNumberOf } from "@/lib/testing/factories";
import { recordVote } from "./record-vote";

async function openPair(annotatorId: string, campaignId: string) {
  const next = await nextAssignmentFor(annotatorId, campaignId);
  if (next.status !== "assigned") throw new Error(`no pair: ${next.status}`);
  return next.assignment;
}

/** Pretends the pair appeared `seconds` ago (the server clamps the time taken to that). */
async function shownAgo(assignmentId: string, seconds: number) {
  await db.$executeRaw`UPDATE "Assignment" SET "issuedAt" = now() - make_interval(secs => ${seconds}) WHERE id = ${assignmentId}`;
}

/**
 * An open campaign of `prompts` gold pairs (model 0's answer is the good one) with two new
 * annotators: how to vote the good or the bad side, and whether an annotator is flagged.
 */
async function goldCampaign(prompts: number) {
  const campaign = await createTestCampaign({ status: "DRAFT" });
  const annotators = [await createTestUser({ role: "ANNOTATOR" }), await createTestUser({ role: "ANNOTATOR" })];
  const models = ["good", "poor"].map((m) => `${m}-${campaign.slug}`);
  const rows = Array.from({ length: prompts }, (_, p) =>
    models.map((model, m) => ({
      line: p * 2 + m + 1,
      source: "gold",
      promptId: `g${p}`,
      turns: [`Question ${p}?`],
      model,
      outputTurns: [answerText(m, p)],
      gold: m === 0 ? ("GOOD" as const) : ("BAD" as const),
    })),
  ).flat();
  await importRows(null, campaign.id, rows);
  const goodModel = await db.model.findUniqueOrThrow({ where: { name: models[0] } });
  expect(await db.item.count({ where: { campaignId: campaign.id, goldWinnerModelId: goodModel.id } })).toBe(prompts);
  await db.campaign.update({ where: { id: campaign.id }, data: { status: "ACTIVE" } });
  await db.campaignMember.createMany({ data: annotators.map((u) => ({ campaignId: campaign.id, userId: u.id })) });
  const vote = async (userId: string, pickGood: boolean) => {
    const pair = await openPair(userId, campaign.id);
    const goodOnLeft = modelNumberOf(pair.leftTurns[0]) === 0;
    await recordVote(userId, { assignmentId: pair.id, outcome: goodOnLeft === pickGood ? "LEFT" : "RIGHT", durationMs: 2000 });
  };
  const flagged = async (userId: string) =>
    (await db.campaignMember.findUniqueOrThrow({ where: { campaignId_userId: { campaignId: campaign.id, userId } } })).flagged;
  return { campaign, annotators, vote, flagged };
}

describe("rigging defences", () => {
  it("keeps votes faster than the campaign's minimum but leaves them out of ratings and exports", async () => {
    const annotator = await createTestUser({ role: "ANNOTATOR" });
    const { campaign } = await createVotingCampaign({ prompts: 3, models: 2, annotators: [annotator.id] });
    await db.campaign.update({ where: { id: campaign.id }, data: { minSecondsPerVote: 5 } });
    // Claims 9 s in the browser, but the pair appeared only just now: too fast.
    const hasty = await openPair(annotator.id, campaign.id);
    expect(await recordVote(annotator.id, { assignmentId: hasty.id, outcome: "LEFT", durationMs: 9000 })).toMatchObject({ ok: true });
    const careful = await openPair(annotator.id, campaign.id);
    await shownAgo(careful.id, 12);
    expect(await recordVote(annotator.id, { assignmentId: careful.id, outcome: "LEFT", durationMs: 8000 })).toMatchObject({ ok: true });
    const votes = await db.vote.findMany({
      where: { campaignId: campaign.id },
      orderBy: { seq: "asc" },
      select: { tooFast: true, durationMs: true },
    });
    expect(votes).toHaveLength(2);
    expect(votes[0].tooFast).toBe(true);
    expect(votes[0].durationMs).toBeLessThan(5000);
    expect(votes[1]).toEqual({ tooFast: false, durationMs: 8000 });
    const board = await getLeaderboard(campaign.id, DEFAULT_FILTERS, { untilFresh: true });
    expect(board.state === "ready" && board.board.votes).toBe(1);
  });

  it("refuses votes beyond the per-person rate, counted in the database, until the minute has passed", async () => {
    const annotator = await createTestUser({ role: "ANNOTATOR" });
    const { campaign } = await createVotingCampaign({ prompts: 2, models: 2, annotators: [annotator.id] });
    const models = await db.model.findMany({ where: { outputs: { some: { prompt: { campaignId: campaign.id } } } }, select: { id: true } });
    // The votes of the last minute, as other app instances would have stored them.
    await db.vote.createMany({
      data: Array.from({ length: env().HIKAKU_MAX_VOTES_PER_MINUTE }, () => ({
        campaignId: campaign.id,
        annotatorId: annotator.id,
        modelAId: models[0].id,
        modelBId: models[1].id,
        outcome: "LEFT" as const,
        winner: "MODEL_A" as const,
      })),
    });
    const pair = await openPair(annotator.id, campaign.id);
    expect(await recordVote(annotator.id, { assignmentId: pair.id, outcome: "LEFT", durationMs: 3000 })).toEqual({
      ok: false,
      code: "RATE_LIMITED",
    });
    expect(await db.vote.count({ where: { assignmentId: pair.id } })).toBe(0);
    await db.$executeRaw`UPDATE "Vote" SET "createdAt" = now() - interval '2 minutes' WHERE "annotatorId" = ${annotator.id}::uuid`;
    expect(await recordVote(annotator.id, { assignmentId: pair.id, outcome: "LEFT", durationMs: 3000 })).toMatchObject({ ok: true });
  });

  it("holds the per-person rate when votes arrive together: they are counted one after another", async () => {
    const annotator = await createTestUser({ role: "ANNOTATOR" });
    const { campaign } = await createVotingCampaign({ prompts: 8, models: 2, annotators: [annotator.id] });
    const items = await db.item.findMany({ where: { campaignId: campaign.id }, take: 8 });
    expect(items).toHaveLength(8);
    // Eight pairs open at once (as eight tabs would hold them), written as the scheduler writes them.
    const pairs = items.map((item, i) => ({
      id: `parallel-vote-${campaign.id}-${i}`.padEnd(43, "x"),
      campaignId: campaign.id,
      annotatorId: annotator.id,
      itemId: item.id,
      promptId: item.promptId,
      leftOutputId: item.lowOutputId,
      rightOutputId: item.highOutputId,
      issuedAt: new Date(Date.now() - 60_000),
      expiresAt: new Date(Date.now() + 600_000),
    }));
    await db.assignment.createMany({ data: pairs });
    // Two votes short of the limit.
    await db.vote.createMany({
      data: Array.from({ length: env().HIKAKU_MAX_VOTES_PER_MINUTE - 2 }, () => ({
        campaignId: campaign.id,
        annotatorId: annotator.id,
        modelAId: items[0].lowModelId,
        modelBId: items[0].highModelId,
        outcome: "LEFT" as const,
        winner: "MODEL_A" as const,
      })),
    });
    const results = await Promise.all(
      pairs.map((pair) => recordVote(annotator.id, { assignmentId: pair.id, outcome: "LEFT", durationMs: 3000 })),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(2);
    expect(results.filter((result) => !result.ok)).toEqual(Array(6).fill({ ok: false, code: "RATE_LIMITED" }));
    expect(await db.vote.count({ where: { annotatorId: annotator.id } })).toBe(env().HIKAKU_MAX_VOTES_PER_MINUTE);
  });

  it("scores gold pairs and flags an annotator who keeps getting them wrong", async () => {
    const {
      campaign,
      annotators: [careful, careless],
      vote,
      flagged,
    } = await goldCampaign(4);

    for (let i = 0; i < 4; i++) await vote(careful.id, true);
    await vote(careless.id, false);
    expect(await flagged(careless.id)).toBe(false); // one slip is not enough
    await vote(careless.id, true);
    await vote(careless.id, false);
    expect(await flagged(careless.id)).toBe(true);
    expect(await flagged(careful.id)).toBe(false);
    const passed = await db.vote.groupBy({ by: ["annotatorId", "goldPassed"], where: { campaignId: campaign.id }, _count: true });
    expect(passed.map((g) => [g.annotatorId === careful.id ? "careful" : "careless", g.goldPassed, g._count]).sort()).toEqual([
      ["careful", true, 4],
      ["careless", false, 2],
      ["careless", true, 1],
    ]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { subjectId: campaign.id, action: "annotator.auto_flagged" } });
    expect(audit.data).toEqual({ userId: careless.id, gold: { total: 3, failed: 2 } });
    expect(audit).toMatchObject({ actorId: null, subjectType: "Campaign" });

    // A researcher who clears the flag is not overruled by the next vote: only a new wrong answer
    // on a gold pair is looked at again.
    const researcher = await createTestUser({ role: "RESEARCHER" });
    await setAnnotatorFlag(researcher.id, campaign.id, careless.id, false);
    await vote(careless.id, true);
    expect(await flagged(careless.id)).toBe(false);
  });

  it("flags at half the gold pairs wrong (not below), once, making cached results stale once", async () => {
    const {
      campaign,
      annotators: [halfWrong, fewWrong],
      vote,
      flagged,
    } = await goldCampaign(5);
    const version = async () => (await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).resultsVersion;
    const autoFlags = () => db.auditEvent.count({ where: { subjectId: campaign.id, action: "annotator.auto_flagged" } });

    // Two wrong of five is below half: never flagged.
    for (const pickGood of [false, true, true, true, false]) await vote(fewWrong.id, pickGood);
    expect(await flagged(fewWrong.id)).toBe(false);

    const before = await version();
    for (const pickGood of [true, true, false]) await vote(halfWrong.id, pickGood);
    expect(await flagged(halfWrong.id)).toBe(false);
    await vote(halfWrong.id, false); // two wrong of four: exactly half
    expect(await flagged(halfWrong.id)).toBe(true);
    expect(await version()).toBe(before + 1);
    await vote(halfWrong.id, false); // already flagged: nothing more happens
    expect(await autoFlags()).toBe(1);
    expect(await version()).toBe(before + 1);
  });
});
