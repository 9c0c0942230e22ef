import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { createTestUser, createVotingCampaign, modelNumberOf } from "@/lib/testing/factories";
import { correctionsOf } from "./corrections";
import { recordVote, skipAssignment } from "./record-vote";

async function setUp(settings: Parameters<typeof createVotingCampaign>[0]["settings"] = {}) {
  const annotator = await createTestUser({ role: "ANNOTATOR" });
  const { campaign, modelNames } = await createVotingCampaign({ prompts: 2, models: 2, annotators: [annotator.id], settings });
  const next = await nextAssignmentFor(annotator.id, campaign.id);
  if (next.status !== "assigned") throw new Error("no pair");
  return { annotator, campaign, modelNames, assignment: next.assignment };
}

describe("recording votes", () => {
  it("stores the winner resolved to the models that were shown, with the time taken", async () => {
    const { annotator, campaign, assignment, modelNames } = await setUp();
    expect(
      await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "RIGHT", durationMs: 4321, reason: " clearer " }),
    ).toEqual({
      ok: true,
      duplicate: false,
      campaignId: campaign.id,
      revealed: null,
    });
    const vote = await db.vote.findUniqueOrThrow({ where: { assignmentId: assignment.id }, include: { modelA: true, modelB: true } });
    expect(vote.modelA.name).toBe(modelNames[modelNumberOf(assignment.leftTurns[0])]);
    expect(vote.modelB.name).toBe(modelNames[modelNumberOf(assignment.rightTurns[0])]);
    expect(vote.modelA.name).not.toBe(vote.modelB.name);
    expect(vote).toMatchObject({ outcome: "RIGHT", winner: "MODEL_B", reason: "clearer", identityLeak: false, annotatorId: annotator.id });
    expect(vote.promptId).toBe((await db.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).promptId);
    expect(vote.durationMs).toBeLessThanOrEqual(4321);
    expect(vote.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("stores the time the browser measured when the pair was shown that long ago, and never more", async () => {
    const { annotator, assignment } = await setUp();
    await db.$executeRaw`UPDATE "Assignment" SET "issuedAt" = now() - interval '30 seconds' WHERE id = ${assignment.id}`;
    await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "LEFT", durationMs: 4321 });
    expect((await db.vote.findUniqueOrThrow({ where: { assignmentId: assignment.id } })).durationMs).toBe(4321);
    const second = await setUp();
    await db.$executeRaw`UPDATE "Assignment" SET "issuedAt" = now() - interval '2 seconds' WHERE id = ${second.assignment.id}`;
    await recordVote(second.annotator.id, { assignmentId: second.assignment.id, outcome: "LEFT", durationMs: 60_000 });
    const clamped = (await db.vote.findUniqueOrThrow({ where: { assignmentId: second.assignment.id } })).durationMs!;
    expect(clamped).toBeGreaterThanOrEqual(2000);
    expect(clamped).toBeLessThan(10_000);
  });

  it("a second vote on the same assignment returns the first result and stores nothing new", async () => {
    const { annotator, assignment } = await setUp();
    const first = await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "LEFT", durationMs: 1000 });
    const replay = await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "RIGHT", durationMs: 1000 });
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(replay).toMatchObject({ ok: true, duplicate: true });
    const votes = await db.vote.findMany({ where: { assignmentId: assignment.id } });
    expect(votes).toHaveLength(1);
    expect(votes[0].outcome).toBe("LEFT");
  });

  it("stores one vote when the same vote arrives many times at once", async () => {
    const { annotator, assignment } = await setUp();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => recordVote(annotator.id, { assignmentId: assignment.id, outcome: "TIE", durationMs: 500 })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && !r.duplicate)).toHaveLength(1);
    expect(await db.vote.count({ where: { assignmentId: assignment.id } })).toBe(1);
    const item = await db.assignment.findUniqueOrThrow({
      where: { id: assignment.id },
      select: { item: { select: { votes: true, load: true } } },
    });
    expect(item.item).toEqual({ votes: 1, load: 1 });
  });

  it("refuses a vote on another annotator's assignment as if it did not exist", async () => {
    const { campaign, assignment } = await setUp();
    const intruder = await createTestUser({ role: "ANNOTATOR" });
    await db.campaignMember.create({ data: { campaignId: campaign.id, userId: intruder.id } });
    expect(await recordVote(intruder.id, { assignmentId: assignment.id, outcome: "LEFT", durationMs: 1 })).toEqual({
      ok: false,
      code: "NOT_FOUND",
    });
    expect(await recordVote(intruder.id, { assignmentId: "made-up-token", outcome: "LEFT", durationMs: 1 })).toEqual({
      ok: false,
      code: "NOT_FOUND",
    });
    expect(await db.vote.count({ where: { assignmentId: assignment.id } })).toBe(0);
  });

  it("refuses an expired assignment and frees its slot", async () => {
    const { annotator, assignment } = await setUp();
    await db.assignment.update({ where: { id: assignment.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "LEFT", durationMs: 1 })).toEqual({
      ok: false,
      code: "EXPIRED",
    });
    const row = await db.assignment.findUniqueOrThrow({
      where: { id: assignment.id },
      select: { state: true, item: { select: { load: true } } },
    });
    expect(row).toEqual({ state: "EXPIRED", item: { load: 0 } });
  });

  it("enforces the campaign's allowed outcomes and required reason", async () => {
    const { annotator, assignment } = await setUp({ allowedOutcomes: ["LEFT", "RIGHT"], reasonPolicy: "REQUIRED" });
    expect(await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "TIE", reason: "x", durationMs: 1 })).toEqual({
      ok: false,
      code: "OUTCOME_NOT_ALLOWED",
    });
    expect(await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "LEFT", reason: "  ", durationMs: 1 })).toEqual({
      ok: false,
      code: "REASON_REQUIRED",
    });
    expect(await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "LEFT", reason: "better", durationMs: 1 })).toMatchObject(
      { ok: true },
    );
  });

  it("reveals the model names after the vote only when the campaign allows it", async () => {
    const { annotator, assignment, modelNames } = await setUp({ revealModelsAfterVote: true });
    const result = await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "BOTH_BAD", durationMs: 1 });
    if (!result.ok || !result.revealed) throw new Error("expected names");
    // Each name on the side its answer was shown.
    expect(result.revealed).toEqual({
      left: modelNames[modelNumberOf(assignment.leftTurns[0])],
      right: modelNames[modelNumberOf(assignment.rightTurns[0])],
    });
    expect((await db.vote.findUniqueOrThrow({ where: { assignmentId: assignment.id } })).winner).toBe("TIE_BOTHBAD");
  });
});

describe("votes on pairs that are no longer the annotator's to judge", () => {
  it("refuses a vote from someone removed from the campaign, even on a pair still open", async () => {
    const { annotator, campaign, assignment } = await setUp();
    await db.campaignMember.delete({ where: { campaignId_userId: { campaignId: campaign.id, userId: annotator.id } } });
    expect(await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "LEFT", durationMs: 900 })).toEqual({
      ok: false,
      code: "NOT_FOUND",
    });
    expect(await db.vote.count({ where: { campaignId: campaign.id } })).toBe(0);
  });

  it("refuses a vote on a pair withdrawn after it was handed out", async () => {
    const { annotator, campaign, assignment } = await setUp();
    await db.item.updateMany({ where: { assignments: { some: { id: assignment.id } } }, data: { blocked: true } });
    expect(await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "LEFT", durationMs: 900 })).toEqual({
      ok: false,
      code: "CLOSED",
    });
    expect(await db.vote.count({ where: { campaignId: campaign.id } })).toBe(0);
  });
});

describe("what the campaign's settings do to a vote", () => {
  it("refuses votes once the campaign is closed, and stores nothing", async () => {
    const { annotator, campaign, assignment } = await setUp();
    await db.campaign.update({ where: { id: campaign.id }, data: { status: "CLOSED" } });
    expect(await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "LEFT", durationMs: 900 })).toEqual({
      ok: false,
      code: "CLOSED",
    });
    expect(await db.vote.count({ where: { campaignId: campaign.id } })).toBe(0);
  });

  it("does not store a reason the campaign does not ask for, nor a corrected answer it does not collect", async () => {
    const { annotator, campaign, assignment } = await setUp({ reasonPolicy: "HIDDEN" });
    expect(await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ correctionPolicy: "OFF" });
    await recordVote(annotator.id, {
      assignmentId: assignment.id,
      outcome: "LEFT",
      durationMs: 900,
      reason: "sneaky",
      correctedAnswer: "mine",
    });
    expect(await db.vote.findUniqueOrThrow({ where: { assignmentId: assignment.id } })).toMatchObject({
      reason: null,
      correctedAnswer: null,
    });
  });

  it("requires a corrected answer with 'both bad' when the campaign says so, and keeps it", async () => {
    const { annotator, campaign, assignment } = await setUp({ allowedOutcomes: ["LEFT", "RIGHT", "BOTH_BAD"] });
    await db.campaign.update({ where: { id: campaign.id }, data: { correctionPolicy: "REQUIRED_AFTER_BOTH_BAD" } });
    expect(await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "BOTH_BAD", durationMs: 900 })).toEqual({
      ok: false,
      code: "CORRECTION_REQUIRED",
    });
    expect(await db.vote.count({ where: { assignmentId: assignment.id } })).toBe(0);
    const stored = await recordVote(annotator.id, {
      assignmentId: assignment.id,
      outcome: "BOTH_BAD",
      durationMs: 900,
      correctedAnswer: " A better one ",
    });
    expect(stored).toMatchObject({ ok: true });
    expect(await db.vote.findUniqueOrThrow({ where: { assignmentId: assignment.id } })).toMatchObject({
      correctedAnswer: "A better one",
      winner: "TIE_BOTHBAD",
      outcome: "BOTH_BAD",
    });
  });
});

describe("skipping a pair", () => {
  it("gives the pair back once, refuses votes on it, and answers others as if it did not exist", async () => {
    const { annotator, campaign, assignment } = await setUp();
    const other = await createTestUser({ role: "ANNOTATOR" });
    expect(await skipAssignment(other.id, assignment.id)).toEqual({ ok: false, code: "NOT_FOUND" });
    expect(await skipAssignment(annotator.id, "no-such-assignment")).toEqual({ ok: false, code: "NOT_FOUND" });
    expect(await skipAssignment(annotator.id, assignment.id)).toEqual({ ok: true, campaignId: campaign.id });
    // A repeated skip (double click) is answered the same, and the slot is returned only once.
    expect(await skipAssignment(annotator.id, assignment.id)).toEqual({ ok: true, campaignId: campaign.id });
    const item = await db.item.findFirstOrThrow({ where: { assignments: { some: { id: assignment.id } } } });
    expect(item.load).toBe(0);
    expect(await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "LEFT", durationMs: 900 })).toEqual({
      ok: false,
      code: "CLOSED",
    });
    expect(await db.vote.count({ where: { campaignId: campaign.id } })).toBe(0);
  });

  it("cannot skip a pair already voted on", async () => {
    const { annotator, assignment } = await setUp();
    await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "LEFT", durationMs: 900 });
    expect(await skipAssignment(annotator.id, assignment.id)).toEqual({ ok: false, code: "CLOSED" });
  });
});

describe("corrected answers for researchers", () => {
  /** Writes votes between the campaign's two models as an import does: no prompt row, the question in the conversation. */
  async function importer(campaignId: string, modelNames: string[]) {
    const [modelA, modelB] = await Promise.all(modelNames.map((name) => db.model.findUniqueOrThrow({ where: { name } })));
    return (data: { correctedAnswer?: string; createdAt: Date; judge?: string }) =>
      db.vote.create({
        data: {
          campaignId,
          modelAId: modelA.id,
          modelBId: modelB.id,
          outcome: "BOTH_BAD",
          winner: "TIE_BOTHBAD",
          conversationA: [
            { role: "user", content: "Imported question" },
            { role: "assistant", content: "an answer" },
          ],
          ...data,
        },
      });
  }

  it("lists the votes that carry one, newest first, with the prompt, the models and who wrote it", async () => {
    const { annotator, campaign, assignment, modelNames } = await setUp();
    await db.campaign.update({ where: { id: campaign.id }, data: { correctionPolicy: "OPTIONAL" } });
    const imported = await importer(campaign.id, modelNames);
    await imported({ correctedAnswer: "Imported fix", createdAt: new Date("2024-01-01T00:00:00Z"), judge: "judge_abc" });
    await imported({ createdAt: new Date("2024-06-01T00:00:00Z"), judge: "judge_without_fix" });
    await recordVote(annotator.id, { assignmentId: assignment.id, outcome: "BOTH_BAD", durationMs: 900, correctedAnswer: "First fix" });
    const second = await nextAssignmentFor(annotator.id, campaign.id);
    if (second.status !== "assigned") throw new Error("no second pair");
    await recordVote(annotator.id, { assignmentId: second.assignment.id, outcome: "LEFT", durationMs: 900, correctedAnswer: "Second fix" });

    const { entries, total } = await correctionsOf(campaign.id, 0);
    expect(total).toBe(3);
    expect(entries.map((e) => [e.correctedAnswer, e.judge, e.outcome])).toEqual([
      ["Second fix", annotator.displayName, "LEFT"],
      ["First fix", annotator.displayName, "BOTH_BAD"],
      ["Imported fix", "judge_abc", "BOTH_BAD"],
    ]);
    const first = await db.assignment.findUniqueOrThrow({ where: { id: assignment.id }, include: { prompt: true } });
    expect(entries[1].promptTurns).toEqual(first.prompt.turns);
    expect(entries[1]).toMatchObject({
      modelA: modelNames[modelNumberOf(assignment.leftTurns[0])],
      modelB: modelNames[modelNumberOf(assignment.rightTurns[0])],
    });
    // An imported vote has no prompt row: its question is the user turns of the conversation.
    expect(entries[2]).toMatchObject({ promptTurns: ["Imported question"], modelA: modelNames[0], modelB: modelNames[1] });
    expect(await correctionsOf(campaign.id, 1)).toEqual({ entries: [], total: 3 });
    // A prompt a researcher left out takes its corrections with it; imported votes (no prompt row) stay.
    await db.prompt.update({ where: { id: first.promptId }, data: { excludedAt: new Date() } });
    const left = await correctionsOf(campaign.id, 0);
    expect(left.total).toBe(2);
    expect(left.entries.map((e) => e.correctedAnswer)).toEqual(["Second fix", "Imported fix"]);
  });

  it("pages them by time, newest first, whatever order they were written in", async () => {
    const { campaign, modelNames } = await setUp();
    const imported = await importer(campaign.id, modelNames);
    // 25 corrections written in an order unrelated to their times (minute 7·i mod 25).
    const minutes = Array.from({ length: 25 }, (_, i) => (7 * i) % 25);
    for (const minute of minutes)
      await imported({ correctedAnswer: `fix at minute ${minute}`, createdAt: new Date(Date.UTC(2024, 0, 1, 0, minute)) });
    const newestFirst = [...minutes].sort((a, b) => b - a).map((minute) => `fix at minute ${minute}`);
    const first = await correctionsOf(campaign.id, 0);
    expect(first.total).toBe(25);
    expect(first.entries.map((e) => e.correctedAnswer)).toEqual(newestFirst.slice(0, 20));
    expect((await correctionsOf(campaign.id, 1)).entries.map((e) => e.correctedAnswer)).toEqual(newestFirst.slice(20));
  });
});
