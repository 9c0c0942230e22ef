import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseBattlesCsv } from "./battles-csv";
import { computeLeaderboard, type Leaderboard } from "./leaderboard";
import { onlineElo } from "./elo";
import { sharedPath } from "@/lib/testing/shared-data";

// The reference numbers come from Chatbot Arena's published method (see the fixture's README).
const FIXTURES = sharedPath("fixtures/ratings") + "/";
type Reference = Record<string, { rating: number; ci_low: number; ci_high: number; online_elo: number; rank_ub: number; battles: number }>;

const csv = readFileSync(`${FIXTURES}arena-12x5k.csv`, "utf8");
const reference = JSON.parse(readFileSync(`${FIXTURES}arena-12x5k.reference.json`, "utf8")) as Reference;

describe("parity with Chatbot Arena's method on arena-12x5k", () => {
  const { battles } = parseBattlesCsv(csv);
  let board: Leaderboard;
  const row = (model: string) => board.models.find((r) => r.model === model)!;

  beforeAll(async () => {
    board = await computeLeaderboard(battles, { rounds: 1000, seed: 0 });
  });

  it("reads all 5,000 battles and the 12 models", () => {
    expect(battles).toHaveLength(5000);
    expect(board.models.map((r) => r.model).sort()).toEqual(Object.keys(reference).sort());
    expect(board.identifiable).toBe(true);
  });

  it("counts each model's battles exactly", () => {
    for (const [model, ref] of Object.entries(reference)) expect(row(model).battles).toBe(ref.battles);
  });

  it("matches the Bradley–Terry ratings within 0.5 points", () => {
    for (const [model, ref] of Object.entries(reference)) expect(Math.abs(row(model).rating - ref.rating)).toBeLessThan(0.5);
    const mean = board.models.reduce((sum, r) => sum + r.rating, 0) / board.models.length;
    expect(mean).toBeCloseTo(1000, 9);
  });

  it("matches online Elo within 1e-6, on its own and on the leaderboard", () => {
    const elo = onlineElo(battles);
    for (const [model, ref] of Object.entries(reference)) {
      expect(Math.abs(elo.get(model)! - ref.online_elo)).toBeLessThan(1e-6);
      expect(Math.abs(row(model).onlineElo - ref.online_elo)).toBeLessThan(1e-6);
    }
  });

  it("matches the bootstrap 95% intervals within 5 points", () => {
    for (const [model, ref] of Object.entries(reference)) {
      expect(Math.abs(row(model).ciLow - ref.ci_low)).toBeLessThan(5);
      expect(Math.abs(row(model).ciHigh - ref.ci_high)).toBeLessThan(5);
    }
  });

  it("gives the same rank upper bounds, off at most by the models whose bounds sit within the tolerance", () => {
    let exact = 0;
    for (const [model, ref] of Object.entries(reference)) {
      const mine = row(model);
      // Models whose lower bound is within the intervals' 5-point tolerance of this upper bound may
      // count as "significantly better" in one run and not in the other: the only allowed difference.
      const borderline = Object.entries(reference).filter(([other, o]) => other !== model && Math.abs(o.ci_low - ref.ci_high) < 5).length;
      expect(Math.abs(mine.rankUpperBound - ref.rank_ub), `${model}: rank_ub ${mine.rankUpperBound} vs ${ref.rank_ub}`).toBeLessThanOrEqual(
        borderline,
      );
      if (mine.rankUpperBound === ref.rank_ub) exact++;
    }
    expect(exact).toBeGreaterThanOrEqual(8);
  });

  it("is reproducible for a seed and varies with it", async () => {
    const again = await computeLeaderboard(battles, { rounds: 200, seed: 7 });
    const same = await computeLeaderboard(battles, { rounds: 200, seed: 7 });
    const other = await computeLeaderboard(battles, { rounds: 200, seed: 8 });
    expect(same.models).toEqual(again.models);
    expect(other.models.map((r) => r.ciLow)).not.toEqual(again.models.map((r) => r.ciLow));
  });
});
