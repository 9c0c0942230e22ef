import { afterEach, describe, expect, it, vi } from "vitest";
import { db, type RawSql, sql } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { importRows } from "@/lib/imports/write";
import { createAnnotators, createTestCampaign, createVotingCampaign, uniqueSuffix } from "@/lib/testing/factories";
import { recordVote } from "@/lib/votes/record-vote";
import { nextAssignmentFor } from "./next-assignment";
import { openAssignmentView, pairsByUncertainty, uncertaintyWeight } from "./pick";

/**
 * The scheduler's less travelled paths, each pinned so that a one-line change to it fails a test
 * (they survived mutation testing before): progress, the active sampler's fallback, the retry
 * after returning lapsed slots, the turns a pair shows, and the uncertainty weight.
 */

/** Lapses an annotator's open assignment, as if its time ran out without a sweep since. */
async function lapse(assignmentId: string) {
  await db.assignment.update({ where: { id: assignmentId }, data: { expiresAt: new Date(Date.now() - 60_000) } });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the scheduler's less travelled paths", () => {
  it("reports progress as votes so far against items × target", async () => {
    const [annotator] = await createAnnotators(1);
    // 3 prompts × 3 models = 9 items, 4 votes each wanted.
    const { campaign } = await createVotingCampaign({
      prompts: 3,
      models: 3,
      annotators: [annotator.id],
      settings: { targetVotesPerItem: 4 },
    });
    const first = await nextAssignmentFor(annotator.id, campaign.id);
    expect(first.status === "assigned" && first.progress).toEqual({ campaignVotes: 0, campaignTarget: 36, todayVotes: 0, dailyCap: null });
    if (first.status !== "assigned") throw new Error(first.status);
    await recordVote(annotator.id, { assignmentId: first.assignment.id, outcome: "LEFT", durationMs: 1000 });
    const second = await nextAssignmentFor(annotator.id, campaign.id);
    expect(second.status === "assigned" && second.progress).toEqual({
      campaignVotes: 1,
      campaignTarget: 36,
      todayVotes: 1,
      dailyCap: null,
    });
  });

  it("under active sampling still serves every item, when the most uncertain pairs have nothing left for this annotator", async () => {
    const [annotator] = await createAnnotators(1);
    const { campaign } = await createVotingCampaign({
      prompts: 2,
      models: 4,
      annotators: [annotator.id],
      settings: { strategy: "ACTIVE" },
    });
    const judged = new Set<string>();
    for (;;) {
      const next = await nextAssignmentFor(annotator.id, campaign.id);
      if (next.status !== "assigned") {
        expect(next.status).toBe("done");
        break;
      }
      judged.add(next.assignment.id);
      expect((await recordVote(annotator.id, { assignmentId: next.assignment.id, outcome: "RIGHT", durationMs: 900 })).ok).toBe(true);
    }
    // 2 prompts × 6 pairs of 4 models: every one, although later requests find most pairs used up.
    expect(judged.size).toBe(12);
  });

  it("gives a pair held by a lapsed assignment to the next annotator, and hands out one pair only", async () => {
    // Never the occasional early sweep: only the sweep before answering "nothing left" may return the slot.
    vi.spyOn(Math, "random").mockReturnValue(0.99);
    const [first, second] = await createAnnotators(2);
    const { campaign } = await createVotingCampaign({
      prompts: 1,
      models: 2,
      annotators: [first.id, second.id],
      settings: { targetVotesPerItem: 1 },
    });
    const held = await nextAssignmentFor(first.id, campaign.id);
    if (held.status !== "assigned") throw new Error(held.status);
    await lapse(held.assignment.id);
    const next = await nextAssignmentFor(second.id, campaign.id);
    expect(next.status).toBe("assigned");
    // A third annotator's lapsed pair elsewhere must not make the scheduler claim twice for one request.
    const [third, fourth] = await createAnnotators(2);
    const other = await createVotingCampaign({ prompts: 2, models: 2, annotators: [third.id, fourth.id] });
    const lapsed = await nextAssignmentFor(third.id, other.campaign.id);
    if (lapsed.status !== "assigned") throw new Error(lapsed.status);
    await lapse(lapsed.assignment.id);
    expect((await nextAssignmentFor(fourth.id, other.campaign.id)).status).toBe("assigned");
    expect(await db.assignment.count({ where: { annotatorId: fourth.id, state: "OPEN" } })).toBe(1);
  });

  it("on about one request in ten, returns lapsed slots of any campaign before serving a pair", async () => {
    const [idle, busy] = await createAnnotators(2);
    const stalled = await createVotingCampaign({ prompts: 1, models: 2, annotators: [idle.id] });
    const held = await nextAssignmentFor(idle.id, stalled.campaign.id);
    if (held.status !== "assigned") throw new Error(held.status);
    await lapse(held.assignment.id);
    const elsewhere = await createVotingCampaign({ prompts: 2, models: 2, annotators: [busy.id] });
    // The one request in ten (Math.random() below the sweep share) that sweeps before claiming.
    vi.spyOn(Math, "random").mockReturnValue(0.05);
    expect((await nextAssignmentFor(busy.id, elsewhere.campaign.id)).status).toBe("assigned");
    const swept = await db.assignment.findUniqueOrThrow({ where: { id: held.assignment.id }, include: { item: true } });
    expect(swept.state).toBe("EXPIRED");
    expect(swept.item.load).toBe(0);
  });

  it("claims again when PostgreSQL ends a claim as one side of a deadlock, and passes any other error on", async () => {
    const [annotator, another] = await createAnnotators(2);
    const { campaign } = await createVotingCampaign({ prompts: 2, models: 2, annotators: [annotator.id, another.id] });
    const real = sql;
    const failingFirstClaim = (error: Error): RawSql => {
      let failed = false;
      return {
        $executeRaw: (query, ...values) => real.$executeRaw(query, ...values),
        $queryRaw: <T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
          const text = "strings" in query ? query.strings.join("?") : query.join("?");
          if (!failed && text.includes("WITH picked")) {
            failed = true;
            return Promise.reject(error);
          }
          return real.$queryRaw<T>(query, ...values);
        },
      };
    };
    const deadlock = Object.assign(new Error("deadlock detected"), { code: "40P01" });
    const next = await nextAssignmentFor(annotator.id, campaign.id, failingFirstClaim(deadlock));
    expect(next.status).toBe("assigned");
    const loads = await db.item.findMany({ where: { campaignId: campaign.id }, select: { load: true } });
    expect(loads.reduce((sum, item) => sum + item.load, 0)).toBe(1);
    const other = Object.assign(new Error("disk full"), { code: "53100" });
    await expect(nextAssignmentFor(another.id, campaign.id, failingFirstClaim(other))).rejects.toThrow("disk full");
  });

  // Two layouts of the same tallies: the expected order is the pairs' stored order in one and its
  // reverse in the other, so an order that only follows the rows (no sort, a wrong comparator) fails.
  it.each([
    { layout: "the unsettled pair stored first", close: ["x", "y"], far: ["y", "z"], expected: ["xy", "xz", "yz"] },
    { layout: "the unsettled pair stored last", close: ["y", "z"], far: ["x", "y"], expected: ["yz", "xz", "xy"] },
  ] as const)(
    "under active sampling, draws first the adjacent pair whose intervals still overlap, over a less certain pair further apart ($layout)",
    async ({ close, far, expected }) => {
      const { campaign } = await createVotingCampaign({ prompts: 1, models: 3, annotators: [], settings: { strategy: "ACTIVE" } });
      const [x, y, z] = [
        ...new Set((await db.pairStat.findMany({ where: { campaignId: campaign.id } })).flatMap((s) => [s.lowModelId, s.highModelId])),
      ].sort();
      const id = { x, y, z };
      // The close pair 26–14 after 40 votes (not yet apart: 30 more would part them), the far pair
      // 180–20, and only 10 votes between x and z.
      const tallies = [
        { low: id[close[0]], high: id[close[1]], votes: 40, winsLow: 26, winsHigh: 14 },
        { low: id[far[0]], high: id[far[1]], votes: 200, winsLow: 180, winsHigh: 20 },
        { low: x, high: z, votes: 10, winsLow: 9, winsHigh: 1 },
      ];
      for (const { low, high, ...tally } of tallies)
        await db.pairStat.update({
          where: { campaignId_lowModelId_highModelId: { campaignId: campaign.id, lowModelId: low, highModelId: high } },
          data: tally,
        });
      // By uncertainty alone x–z would come first.
      expect(uncertaintyWeight(tallies[2])).toBeGreaterThan(uncertaintyWeight(tallies[0]));
      // The same draw for every pair, so the order is the weights' order.
      const order = await pairsByUncertainty(sql, campaign.id, () => 0.5);
      const named = (pair: string) => ({ low: id[pair[0] as "x"], high: id[pair[1] as "x"] });
      expect(order).toEqual(expected.map(named));
    },
  );

  it("shows only the turns a pair covers when a model answered fewer turns than the prompt has", async () => {
    const [annotator] = await createAnnotators(1);
    const campaign = await createTestCampaign({ status: "DRAFT" });
    const suffix = uniqueSuffix();
    const rows = ["long", "short"].map((name, m) => ({
      line: m + 1,
      source: "turns",
      promptId: "p0",
      turns: ["First question?", "Second question?"],
      model: `${name}-${suffix}`,
      outputTurns: m === 0 ? ["First answer.", "Second answer."] : ["Only answer."],
    }));
    await importRows(null, campaign.id, rows, [], undefined, { allowFewerTurns: true });
    await db.campaign.update({ where: { id: campaign.id }, data: { status: "ACTIVE" } });
    await db.campaignMember.create({ data: { campaignId: campaign.id, userId: annotator.id } });
    const next = await nextAssignmentFor(annotator.id, campaign.id);
    if (next.status !== "assigned") throw new Error(next.status);
    expect(next.assignment.promptTurns).toEqual(["First question?"]);
    expect([next.assignment.leftTurns, next.assignment.rightTurns].sort()).toEqual([["First answer."], ["Only answer."]]);
    // The reloaded pair (the open assignment's own view) shows the same.
    expect(await openAssignmentView(sql, next.assignment.id)).toMatchObject({ promptTurns: ["First question?"] });
  });

  it("finds no open pair under an id that does not exist", async () => {
    expect(await openAssignmentView(sql, "no-such-assignment-token-0000000000000000")).toBeNull();
  });

  it("weights a pair by the standard error of its smoothed win rate, ties counting half", () => {
    expect(uncertaintyWeight({ votes: 0, winsLow: 0, winsHigh: 0 })).toBeCloseTo(0.5, 12);
    expect(uncertaintyWeight({ votes: 10, winsLow: 5, winsHigh: 5 })).toBeCloseTo(Math.sqrt(0.25 / 11), 12);
    // Ten ties: p = (0 + 5 + 1) / 12 = 0.5, as uncertain as 5–5.
    expect(uncertaintyWeight({ votes: 10, winsLow: 0, winsHigh: 0 })).toBeCloseTo(Math.sqrt(0.25 / 11), 12);
    // 9–1 either way round: p = 10/12 or 2/12, the same uncertainty.
    const lopsided = Math.sqrt(((10 / 12) * (2 / 12)) / 11);
    expect(uncertaintyWeight({ votes: 10, winsLow: 9, winsHigh: 1 })).toBeCloseTo(lopsided, 12);
    expect(uncertaintyWeight({ votes: 10, winsLow: 1, winsHigh: 9 })).toBeCloseTo(lopsided, 12);
    // 2 wins, 1 loss, 1 tie: p = (2 + 0.5 + 1) / 6.
    expect(uncertaintyWeight({ votes: 4, winsLow: 2, winsHigh: 1 })).toBeCloseTo(Math.sqrt(((3.5 / 6) * (2.5 / 6)) / 5), 12);
  });
});
