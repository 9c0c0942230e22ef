import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { importVotes } from "@/lib/datasets/import-votes";
import { createResultsCampaign } from "@/lib/testing/results-campaign";
import { DEFAULT_FILTERS } from "./filters";
import { DEFAULT_MIN_BATTLES_PER_MODEL, groupBoards, parseGrouping } from "./groups";
import { getLeaderboard } from "./leaderboard";
import { runHikaku } from "@/lib/testing/cli";

async function ready(campaignId: string, filters = DEFAULT_FILTERS) {
  const view = await getLeaderboard(campaignId, filters, { untilFresh: true });
  if (view.state !== "ready") throw new Error(view.state);
  return view;
}

describe("boards per category and per language", () => {
  let setup: Awaited<ReturnType<typeof createResultsCampaign>>;
  beforeAll(async () => {
    setup = await createResultsCampaign();
    // Thirty imported battles in English (the campaign's own language is Japanese), the weakest
    // model winning them all: the English board ranks it first. Sixty Japanese ones the strongest
    // wins keep it below the strongest overall, whichever pairs the scheduler happened to draw
    // (a CI run met votes where the English upset alone lifted it above).
    const [strong, , , weak] = setup.models;
    const battle = (i: number, winner: string, language: string) => {
      const loser = winner === weak ? strong : weak;
      return JSON.stringify({
        model_a: i % 2 ? winner : loser,
        model_b: i % 2 ? loser : winner,
        winner: i % 2 ? "model_a" : "model_b",
        language,
        tstamp: 1_770_000_000 + i,
      });
    };
    const lines = [
      ...Array.from({ length: 30 }, (_, i) => battle(i, weak, "en")),
      ...Array.from({ length: 60 }, (_, i) => battle(30 + i, strong, "ja")),
    ];
    const file = join(mkdtempSync(join(tmpdir(), "hikaku-groups-")), "en.jsonl");
    writeFileSync(file, lines.join("\n") + "\n");
    await importVotes(null, setup.campaign.id, { path: file, format: "jsonl" });
  }, 120_000);

  it("gives each category its own board, as the category filter does, with each model's rank change against the overall board", async () => {
    const { overall, groups } = await groupBoards(setup.campaign.id, DEFAULT_FILTERS, "category", { untilFresh: true });
    expect(groups.map((g) => g.group)).toEqual(["math", "writing"]);
    if (overall.state !== "ready") throw new Error(overall.state);
    for (const group of groups) {
      const alone = await ready(setup.campaign.id, { ...DEFAULT_FILTERS, category: group.group });
      expect(group.votes).toBe(alone.board.votes);
      for (const row of alone.board.models) expect(group.models[row.model].rating).toBeCloseTo(row.rating, 9);
      // Δ = rank overall − rank in the group, both among the group's models; a rank is one more
      // than the number rated strictly higher (equal ratings share it).
      const rankAmong = (rating: number, all: number[]) => 1 + all.filter((other) => other > rating).length;
      const overallRating = new Map(overall.board.models.map((r) => [r.model, r.rating]));
      const overallRatings = Object.keys(group.models).map((m) => overallRating.get(m)!);
      const groupRatings = Object.values(group.models).map((cell) => cell.rating);
      for (const [model, cell] of Object.entries(group.models)) {
        expect(cell.rank).toBe(rankAmong(cell.rating, groupRatings));
        expect(cell.rankChange).toBe(rankAmong(overallRating.get(model)!, overallRatings) - cell.rank);
      }
    }
  });

  it("splits the votes by language, an imported battle's own or the campaign's, and shows the upset there", async () => {
    const overall = await ready(setup.campaign.id);
    const { groups } = await groupBoards(setup.campaign.id, DEFAULT_FILTERS, "language", { untilFresh: true });
    expect(groups.map((g) => [g.group, g.votes])).toEqual([
      ["en", 30],
      ["ja", overall.board.votes - 30],
    ]);
    const weak = setup.models[3];
    const english = groups[0];
    expect(english.models[weak].rank).toBe(1);
    const overallRank = [...overall.board.models].filter((r) => r.model in english.models).findIndex((r) => r.model === weak) + 1;
    expect(english.models[weak].rankChange).toBe(overallRank - 1);
    expect(english.models[weak].rankChange).toBeGreaterThan(0);
  });

  it("marks a group sparse below the threshold of battles per model", async () => {
    const high = await groupBoards(setup.campaign.id, DEFAULT_FILTERS, "language", { untilFresh: true, minBattlesPerModel: 25 });
    // English: 30 battles between two models = 30 per model; Japanese: far more.
    expect(high.groups.map((g) => [g.group, g.battlesPerModel, g.sparse])).toEqual([
      ["en", 30, false],
      ["ja", expect.any(Number), false],
    ]);
    const higher = await groupBoards(setup.campaign.id, DEFAULT_FILTERS, "language", { untilFresh: true, minBattlesPerModel: 31 });
    expect(higher.groups[0].sparse).toBe(true);
  });

  it("with style control, gives each group its own style-controlled board, as the category filter with style control does", async () => {
    const styled = { ...DEFAULT_FILTERS, styleControl: true };
    const { groups } = await groupBoards(setup.campaign.id, styled, "category", { untilFresh: true });
    expect(groups.map((g) => g.group)).toEqual(["math", "writing"]);
    for (const group of groups) {
      const alone = await ready(setup.campaign.id, { ...styled, category: group.group });
      if (!alone.styleControl) throw new Error("no style-controlled board");
      expect(group.styleControl).toEqual({ votes: alone.styleControl.votes, coefficients: alone.styleControl.coefficients });
      for (const [model, cell] of Object.entries(alone.styleControl.models)) expect(group.models[model].styleControlled).toEqual(cell);
    }
    // Without the option nothing of it is computed or shown.
    const plain = (await groupBoards(setup.campaign.id, DEFAULT_FILTERS, "category", { untilFresh: true })).groups;
    expect(plain.every((g) => g.styleControl === undefined && Object.values(g.models).every((m) => m.styleControlled === undefined))).toBe(
      true,
    );
  });

  it("from the command line: --by prints the overall board and one board per group; a wrong --by is a usage error", () => {
    const cli = (args: string[]) => runHikaku(["leaderboard", "--campaign", setup.campaign.slug, ...args]);
    const result = cli(["--by", "language", "--min-battles", "25"]);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ by: "language", minBattlesPerModel: 25, campaign: setup.campaign.slug });
    expect(json.models).toHaveLength(4);
    expect(json.groups.map((g: { group: string }) => g.group)).toEqual(["en", "ja"]);
    expect(json.groups[0].models[0]).toMatchObject({ model: setup.models[3], rank: 1 });
    expect(Object.keys(json.groups[0].models[0]).sort()).toEqual(["battles", "ciHigh", "ciLow", "model", "rank", "rankChange", "rating"]);
    const styled = JSON.parse(cli(["--by", "category", "--style-control"]).stdout);
    expect(styled.models[0]).toHaveProperty("ratingStyleControlled");
    expect(styled.styleCoefficients).toHaveProperty("length");
    for (const group of styled.groups) {
      expect(group.styleCoefficients).toHaveProperty("length");
      expect(group.styleControlVotes).toBe(group.votes);
      for (const row of group.models)
        expect(row).toMatchObject({
          ratingStyleControlled: expect.any(Number),
          ciLowStyleControlled: expect.any(Number),
          ciHighStyleControlled: expect.any(Number),
          rankChangeStyleControlled: expect.any(Number),
        });
    }
    const csv = cli(["--by", "category", "--style-control", "--format", "csv"]).stdout.split("\n");
    expect(csv[0]).toBe(
      "group,rank,model,rating,ci_low,ci_high,battles,rank_change,sparse,rating_style_controlled,ci_low_style_controlled,ci_high_style_controlled,rank_change_style_controlled",
    );
    expect(csv[1].split(",")).toHaveLength(13);
    const wrong = cli(["--by", "colour"]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("--by must be category or language");
  });
});

describe("compare-by parameters", () => {
  it("are read the same way for the page and the API, with the cap on the minimum", () => {
    expect(parseGrouping({ by: "category", minBattles: "5" })).toEqual({ ok: true, by: "category", minBattles: 5 });
    expect(parseGrouping(new URLSearchParams("by=language"))).toEqual({
      ok: true,
      by: "language",
      minBattles: DEFAULT_MIN_BATTLES_PER_MODEL,
    });
    expect(parseGrouping({})).toEqual({ ok: true, by: null, minBattles: DEFAULT_MIN_BATTLES_PER_MODEL });
    expect(parseGrouping({ by: "model" })).toMatchObject({ ok: false, errors: [expect.stringMatching(/^by/)] });
    expect(parseGrouping({ by: "category", minBattles: "2000000" })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^minBattles/)],
    });
    expect(parseGrouping({ minBattles: "-1" })).toMatchObject({ ok: false });
  });
});
