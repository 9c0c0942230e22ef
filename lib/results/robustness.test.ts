import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { importVotes } from "@/lib/datasets/import-votes";
import { db } from "@/lib/db";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { createAnnotators, createTestCampaign, createVotingCampaign, uniqueSuffix } from "@/lib/testing/factories";
import { recordVote } from "@/lib/votes/record-vote";
import { DEFAULT_FILTERS } from "./filters";
import { getLeaderboard } from "./leaderboard";
import { campaignVotesPerDay, withProjection } from "./planning";
import { runHikaku } from "@/lib/testing/cli";

/** `leaderboard` from the command line, as a script would run it. */
function leaderboard(slug: string, ...args: string[]) {
  return runHikaku(["leaderboard", "--campaign", slug, ...args]);
}

describe("drop-k robustness of a campaign's leaderboard", () => {
  let slug: string;
  let campaignId: string;
  let leader: string;
  let runnerUp: string;
  beforeAll(async () => {
    const campaign = await createTestCampaign({ status: "ACTIVE" });
    slug = campaign.slug;
    campaignId = campaign.id;
    const suffix = uniqueSuffix();
    leader = `leader-${suffix}`;
    runnerUp = `runner-up-${suffix}`;
    // 6–4, plus three ties: without two of the leader's wins it is level, without three it is behind.
    const winners = [...Array(6).fill("model_a"), ...Array(4).fill("model_b"), "tie", "tie", "tie"];
    const lines = winners.map((winner, i) => `q${i},${leader},${runnerUp},${winner},judge-${i % 3},${1_700_000_000 + i}`);
    const file = join(mkdtempSync(join(tmpdir(), "hikaku-robust-")), "battles.csv");
    writeFileSync(file, ["question_id,model_a,model_b,winner,judge,tstamp", ...lines].join("\n") + "\n");
    await importVotes(null, campaign.id, { path: file, format: "csv" });
  }, 120_000);

  it("says three votes decide the top rank, in the JSON, the CSV and the view the page shows", async () => {
    const json = leaderboard(slug, "--robustness");
    expect(json.status).toBe(0);
    const printed = JSON.parse(json.stdout);
    expect(printed.filters.robustness).toBe(true);
    expect(printed.robustness.topFlipVotes).toBe(3);
    expect(printed.robustness.pairs).toEqual([
      {
        upper: leader,
        lower: runnerUp,
        flipVotes: 3,
        estimatedVotes: expect.any(Number),
        confirmed: true,
        votesToSeparate: expect.any(Number),
      },
    ]);
    // Imported votes are not arriving: how many more votes would part the pair, but no date.
    expect(printed.robustness.projection).toEqual({
      votesNeeded: printed.robustness.pairs[0].votesToSeparate,
      pairsBeyondReach: 0,
      votesPerDay: 0,
      projectedDate: null,
    });
    expect(printed.robustness.projection.votesNeeded).toBeGreaterThan(0);
    const csv = leaderboard(slug, "--robustness", "--format", "csv").stdout.trim().split("\n");
    expect(csv[0].split(",").slice(-2)).toEqual(["flip_votes_with_next", "votes_to_separate_from_next"]);
    expect(csv[1].split(",").slice(1, 2)).toEqual([leader]);
    expect(csv[1].split(",").slice(-2)).toEqual(["3", String(printed.robustness.pairs[0].votesToSeparate)]);
    expect(csv[2].split(",").slice(-2)).toEqual(["", ""]);
    const view = await getLeaderboard(campaignId, { ...DEFAULT_FILTERS, robustness: true }, { untilFresh: true });
    expect(view.state === "ready" && view.robustness?.topFlipVotes).toBe(3);
  });

  it("projects the date from the app's votes of the last seven days", async () => {
    const [annotator] = await createAnnotators(1);
    const { campaign } = await createVotingCampaign({ prompts: 3, models: 3, annotators: [annotator.id] });
    for (let k = 0; k < 4; k++) {
      const next = await nextAssignmentFor(annotator.id, campaign.id);
      if (next.status !== "assigned") throw new Error(next.status);
      await recordVote(annotator.id, { assignmentId: next.assignment.id, outcome: "LEFT", durationMs: 2000 });
    }
    // One of the four was cast eight days ago: three in the window.
    const old = await db.vote.findFirstOrThrow({ where: { campaignId: campaign.id } });
    await db.vote.update({ where: { id: old.id }, data: { createdAt: new Date(Date.now() - 8 * 86_400_000) } });
    expect(await campaignVotesPerDay(campaign.id)).toBeCloseTo(3 / 7, 12);
    const planned = await withProjection(campaign.id, {
      topFlipVotes: 1,
      pairs: [{ upper: "a", lower: "b", flipVotes: 1, estimatedVotes: 1, confirmed: true, votesToSeparate: 6 }],
    });
    // Six votes at 3/7 a day: 14 days from today.
    expect(planned.projection).toEqual({
      votesNeeded: 6,
      pairsBeyondReach: 0,
      votesPerDay: 3 / 7,
      projectedDate: new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10),
    });
  });

  it("leaves the contract as it was without the option, and refuses it with --by", () => {
    const plain = JSON.parse(leaderboard(slug).stdout);
    expect(plain).not.toHaveProperty("robustness");
    expect(plain.filters.robustness).toBe(false);
    const refused = leaderboard(slug, "--robustness", "--by", "category");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("--by and --robustness cannot be combined");
  });
});
