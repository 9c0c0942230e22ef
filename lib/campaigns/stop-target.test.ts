import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { simulate } from "@/lib/simulation/simulate";
import { runHikaku } from "@/lib/testing/cli";
import { uniqueSuffix } from "@/lib/testing/factories";
import { campaignSettingsSchema } from "./settings";
import { updateCampaignSettings } from "./manage";
import { targetProgress } from "./stop-target";

const DAY_MS = 86_400_000;

async function study(votes: number, goal: { stopTarget: "TOP" | "ADJACENT" | "VOTES"; stopTargetValue: number }) {
  const suffix = uniqueSuffix();
  return simulate({
    slug: `stop-${suffix}`,
    // One clear leader, well apart from the rest.
    truth: { [`lead-${suffix}`]: 1400, [`second-${suffix}`]: 1050, [`third-${suffix}`]: 1000, [`fourth-${suffix}`]: 900 },
    strategy: "ACTIVE",
    votes,
    annotators: 10,
    prompts: 10,
    seed: 5,
    rates: { tie: 0.15, bothBad: 0.05 },
    noisyShare: 0,
    votesPerDay: 100,
    dailyCap: null,
    goal,
  });
}

describe("a campaign's stopping target", () => {
  it("reports progress and a projected date before it is met, then when it was met, which stays", async () => {
    const early = await study(60, { stopTarget: "TOP", stopTargetValue: 1 });
    const before = await targetProgress(early.campaignId);
    expect(before).toMatchObject({ kind: "top", value: 1, met: false, metAt: null, votesSoFar: 60 });
    expect(before!.projectedVotes).toBeGreaterThan(60);
    // 60 votes at 100 a day: all within the last 7 days, so the rate is 60/7 a day.
    expect(before!.votesPerDay).toBeCloseTo(60 / 7, 10);
    const days = (before!.projectedVotes! - 60) / (60 / 7);
    expect(before!.projectedDate).toBe(new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10));
    // A month later, with no vote since: no date.
    const later = await targetProgress(early.campaignId, new Date(Date.now() + 30 * DAY_MS));
    expect(later).toMatchObject({ met: false, votesPerDay: 0, projectedDate: null });

    const done = await study(400, { stopTarget: "TOP", stopTargetValue: 1 });
    const met = await targetProgress(done.campaignId);
    expect(met).toMatchObject({ met: true, metAt: done.lastAt!.toISOString(), votesSoFar: 400, projectedVotes: 400, projectedDate: null });
    expect((await db.campaign.findUniqueOrThrow({ where: { id: done.campaignId } })).stopTargetMetAt).toEqual(done.lastAt);

    // A changed target has not been met yet.
    const campaign = await db.campaign.findUniqueOrThrow({ where: { id: done.campaignId } });
    const settings = campaignSettingsSchema.parse({ ...campaign, stopTarget: "TOP", stopTargetValue: 3 });
    await updateCampaignSettings(null, done.campaignId, settings);
    expect((await db.campaign.findUniqueOrThrow({ where: { id: done.campaignId } })).stopTargetMetAt).toBeNull();
    expect(await targetProgress(done.campaignId)).toMatchObject({ kind: "top", value: 3 });
  });

  it("a number of votes: met at that number; the leaderboard's JSON carries the target", async () => {
    const run = await study(80, { stopTarget: "VOTES", stopTargetValue: 80 });
    const slug = (await db.campaign.findUniqueOrThrow({ where: { id: run.campaignId } })).slug;
    const board = runHikaku(["leaderboard", "--campaign", slug, "--format", "json"]);
    expect(board.status).toBe(0);
    expect(JSON.parse(board.stdout).target).toEqual({
      kind: "votes",
      value: 80,
      met: true,
      metAt: run.lastAt!.toISOString(),
      votesSoFar: 80,
      projectedVotes: 80,
      projectedDate: null,
    });
  });

  it("from the command line: --goal sets it, a bad one is refused", () => {
    const truth = join(tmpdir(), `goal-${uniqueSuffix()}.json`);
    writeFileSync(truth, JSON.stringify({ "goal-a": 1100, "goal-b": 1000 }));
    const slug = `goal-${uniqueSuffix()}`;
    const run = runHikaku(["simulate", "--slug", slug, "--truth", truth, "--votes", "20", "--goal", "adjacent=25"]);
    expect(run.status).toBe(0);
    const board = JSON.parse(runHikaku(["leaderboard", "--campaign", slug, "--format", "json"]).stdout);
    expect(board.target).toMatchObject({ kind: "adjacent", value: 25, votesSoFar: 20 });
    const bad = runHikaku(["campaign", "create", "--slug", `bad-${uniqueSuffix()}`, "--name", "Bad", "--goal", "top=0"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--goal must be top=K, adjacent=DELTA or votes=N");
  });
});
