import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sql } from "@/lib/db";
import { runHikaku } from "@/lib/testing/cli";
import { uniqueSuffix } from "@/lib/testing/factories";
import { MemoryScheduler } from "./memory-scheduler";
import { simulate, type SimulationSetup } from "./simulate";
import { runStudy, type CastVote, type Strategy } from "./study";

const TRUTH = { "sim-alpha": 1250, "sim-beta": 1180, "sim-gamma": 1150, "sim-delta": 1040, "sim-epsilon": 900 };

function setup(overrides: Partial<SimulationSetup> = {}): SimulationSetup {
  return {
    slug: `sim-${uniqueSuffix()}`,
    truth: TRUTH,
    strategy: "ACTIVE",
    votes: 120,
    annotators: 4,
    prompts: 6,
    seed: 11,
    rates: { tie: 0.15, bothBad: 0.05 },
    noisyShare: 0.25,
    votesPerDay: 200,
    dailyCap: null,
    ...overrides,
  };
}

async function castVotes(options: SimulationSetup) {
  const votes: CastVote[] = [];
  const result = await simulate(options, (vote) => void votes.push(vote));
  return { ...result, votes };
}

const shape = (votes: CastVote[]) => votes.map((v) => [v.annotator, v.left, v.right, v.outcome].join(" "));

describe("simulate", () => {
  // The last case nearly exhausts its 20 items × 4 annotators: annotators are often left with no
  // item at the lowest load that they have not had, which the replica's shortcut must handle.
  it.each<[Strategy, number, number]>([
    ["ACTIVE", 6, 120],
    ["UNIFORM", 6, 120],
    ["BALANCED", 6, 120],
    ["BALANCED", 2, 78],
  ])(
    "%s (%i prompts, %i votes): the same seed casts the same votes, and the benchmark's in-memory scheduler casts exactly them",
    async (strategy, prompts, votes) => {
      const first = await castVotes(setup({ strategy, prompts, votes }));
      expect(first.votes).toHaveLength(votes);
      // The database twice (once is enough: the replica below is deterministic by construction).
      if (strategy === "ACTIVE") {
        const again = await castVotes(setup({ strategy, prompts, votes }));
        const otherSeed = await castVotes(setup({ strategy, prompts, votes, seed: 12 }));
        expect(shape(again.votes)).toEqual(shape(first.votes));
        expect(shape(otherSeed.votes)).not.toEqual(shape(first.votes));
      }

      const options = setup({ strategy, prompts, votes });
      const replica = new MemoryScheduler({
        modelIds: first.modelIds,
        prompts: options.prompts,
        strategy,
        targetVotesPerItem: options.annotators,
        dailyCap: null,
        seed: options.seed,
        planKey: `memory-${uniqueSuffix()}`,
      });
      const inMemory: CastVote[] = [];
      await runStudy(replica, { ...options, ratings: Object.values(TRUTH), start: first.start }, (vote) => void inMemory.push(vote));
      expect(shape(inMemory)).toEqual(shape(first.votes));
      // The running tallies the active rule reads agree too.
      const tallies = await sql.$queryRaw<{ votes: number; winsLow: number; winsHigh: number }[]>`
        SELECT votes, "winsLow", "winsHigh" FROM "PairStat" WHERE "campaignId" = ${first.campaignId}::uuid ORDER BY "lowModelId", "highModelId"`;
      expect(tallies).toEqual(replica.pairs.map(({ votes, winsLow, winsHigh }) => ({ votes, winsLow, winsHigh })));
    },
  );

  it("keeps the scheduler's rules on simulated time: each vote on its annotator's own assignment, no item twice, the daily cap, increasing timestamps", async () => {
    const run = await castVotes(setup({ strategy: "ACTIVE", votes: 90, dailyCap: 4, votesPerDay: 40 }));
    expect(run.votes).toHaveLength(90);
    const [rules] = await sql.$queryRaw<
      { votes: number; ownAssignment: number; items: number; worstDay: number; outOfOrder: number; days: number }[]
    >`
      WITH v AS (
        SELECT v.*, a."annotatorId" AS "assignedTo", a."itemId", a.state,
               lag(v."createdAt") OVER (ORDER BY v.seq) AS previous
        FROM "Vote" v JOIN "Assignment" a ON a.id = v."assignmentId" WHERE v."campaignId" = ${run.campaignId}::uuid
      )
      SELECT count(*)::int AS votes,
             count(*) FILTER (WHERE "assignedTo" = "annotatorId" AND state = 'VOTED')::int AS "ownAssignment",
             count(DISTINCT ("annotatorId", "itemId"))::int AS items,
             (SELECT max(n) FROM (SELECT count(*)::int AS n FROM v GROUP BY "annotatorId", date_trunc('day', "createdAt" AT TIME ZONE 'UTC')) d) AS "worstDay",
             count(*) FILTER (WHERE "createdAt" <= previous)::int AS "outOfOrder",
             count(DISTINCT date_trunc('day', "createdAt" AT TIME ZONE 'UTC'))::int AS days
      FROM v`;
    // 4 annotators × 4 votes a day: 90 votes take 6 simulated days, although the clock allows 40 a day.
    expect(rules).toEqual({ votes: 90, ownAssignment: 90, items: 90, worstDay: 4, outOfOrder: 0, days: 6 });
    expect(run.lastAt!.getTime()).toBeGreaterThan(run.firstAt!.getTime());
  });

  it("ends early, saying so, when no annotator has a pair left", async () => {
    // 2 prompts × 10 pairs, each annotator may judge each once: 3 annotators have 60 votes in them.
    const run = await castVotes(setup({ strategy: "BALANCED", votes: 100, annotators: 3, prompts: 2, noisyShare: 0 }));
    expect(run).toMatchObject({ cast: 60, exhausted: true });
  });

  it("from the command line: a long uniform run's leaderboard approaches the truth", { timeout: 60_000 }, () => {
    const slug = `sim-${uniqueSuffix()}`;
    const truth = {
      "long-a": 1250,
      "long-b": 1130,
      "long-c": 1100,
      "long-d": 1060,
      "long-e": 1010,
      "long-f": 980,
      "long-g": 960,
      "long-h": 900,
      "long-i": 870,
      "long-j": 750,
    };
    const file = join(tmpdir(), `${slug}.json`);
    writeFileSync(file, JSON.stringify(truth));
    const run = runHikaku([
      "simulate",
      "--slug",
      slug,
      "--truth",
      file,
      "--votes",
      "1000",
      "--strategy",
      "uniform",
      "--seed",
      "3",
      "--prompts",
      "20",
    ]);
    expect(run.stderr).toContain("simulate: 1000/1000 votes");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ campaign: slug, strategy: "uniform", seed: 3, votes: 1000, exhausted: false });

    const board = runHikaku(["leaderboard", "--campaign", slug, "--format", "json"]);
    expect(board.status).toBe(0);
    const models: { model: keyof typeof truth; rating: number; ciLow: number; ciHigh: number }[] = JSON.parse(board.stdout).models;
    // Ratings are fixed up to a shift: compare both sets centred on their means.
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const shift = mean(Object.values(truth)) - mean(models.map((m) => m.rating));
    const covered = models.filter((m) => m.ciLow + shift <= truth[m.model] && truth[m.model] <= m.ciHigh + shift);
    expect(covered.length / models.length).toBeGreaterThanOrEqual(0.9);
    // Where the gaps are wide, the order is the truth's.
    expect(models[0].model).toBe("long-a");
    expect(models.at(-1)!.model).toBe("long-j");
  });

  it("refuses bad input with a usage error", () => {
    const file = join(tmpdir(), `truth-${uniqueSuffix()}.json`);
    writeFileSync(file, JSON.stringify({ only: 1000 }));
    const lonely = runHikaku(["simulate", "--slug", "sim-lonely", "--truth", file, "--votes", "10"]);
    expect(lonely.status).toBe(2);
    expect(lonely.stderr).toContain("at least two models");
    writeFileSync(file, JSON.stringify(TRUTH));
    const strategy = runHikaku(["simulate", "--slug", "sim-x", "--truth", file, "--votes", "10", "--strategy", "random"]);
    expect(strategy.status).toBe(2);
    expect(strategy.stderr).toContain("--strategy must be uniform, balanced or active");
    const rates = runHikaku(["simulate", "--slug", "sim-x", "--truth", file, "--votes", "10", "--tie", "0.6", "--bothbad", "0.5"]);
    expect(rates.status).toBe(2);
    expect(rates.stderr).toContain("their sum below 1");
  });
});
