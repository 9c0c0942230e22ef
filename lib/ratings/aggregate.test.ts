import { describe, expect, it } from "vitest";
import { aggregateBattles, battlesPerModel, canonicalCounts, compareNames, toUnordered, type PairCounts } from "./aggregate";
import type { Battle, Winner } from "./types";

const battle = (modelA: string, modelB: string, winner: Winner): Battle => ({ modelA, modelB, winner });

/** The counts as rows [a, b, winsA, winsB, ties, bothBad] by model name. */
function rows(counts: PairCounts) {
  return Array.from(counts.a, (a, p) => [
    counts.models[a],
    counts.models[counts.b[p]],
    counts.winsA[p],
    counts.winsB[p],
    counts.ties[p],
    counts.bothBad[p],
  ]);
}

describe("aggregateBattles", () => {
  const battles = [
    battle("x", "y", "model_a"),
    battle("x", "y", "model_a"),
    battle("x", "y", "model_b"),
    battle("y", "x", "tie"),
    battle("x", "y", "tie (bothbad)"),
    battle("z", "x", "model_b"),
  ];

  it("counts each ordered pair's outcomes in one cell, models in order of first appearance", () => {
    const counts = aggregateBattles(battles);
    expect(counts.models).toEqual(["x", "y", "z"]);
    expect(rows(counts)).toEqual([
      ["x", "y", 2, 1, 0, 1],
      ["y", "x", 0, 0, 1, 0],
      ["z", "x", 0, 1, 0, 0],
    ]);
    expect(counts.total).toBe(6);
  });

  it("keeps a given model order, with models that never played", () => {
    const counts = aggregateBattles([battle("y", "x", "model_a")], { models: ["w", "x", "y"] });
    expect(counts.models).toEqual(["w", "x", "y"]);
    expect(Array.from(counts.a)).toEqual([2]);
    expect(Array.from(counts.b)).toEqual([1]);
  });

  it("refuses a battle of a model against itself", () => {
    expect(() => aggregateBattles([battle("x", "x", "tie")])).toThrow("A battle needs two different models (got x twice).");
  });

  it("gives the battles each model took part in", () => {
    expect(Array.from(battlesPerModel(aggregateBattles(battles)))).toEqual([6, 5, 1]);
  });
});

describe("toUnordered", () => {
  const counts = aggregateBattles([
    battle("x", "y", "model_a"),
    battle("y", "x", "model_a"),
    battle("y", "x", "model_a"),
    battle("y", "x", "tie"),
    battle("x", "y", "tie (bothbad)"),
    battle("z", "y", "tie (bothbad)"),
  ]);

  it("folds both orders of a pair into wins of the lower-index model, of the other, and draws (both bad included)", () => {
    const unordered = toUnordered(counts);
    expect(unordered.modelCount).toBe(3);
    expect(Array.from(unordered.i)).toEqual([0, 1]);
    expect(Array.from(unordered.j)).toEqual([1, 2]);
    expect(Array.from(unordered.first)).toEqual([1, 0]);
    expect(Array.from(unordered.second)).toEqual([2, 0]);
    expect(Array.from(unordered.draws)).toEqual([2, 1]);
    expect(unordered.total).toBe(6);
  });

  it("leaves both-bad votes out when asked, and a pair with nothing else left", () => {
    const unordered = toUnordered(counts, { excludeBothBad: true });
    expect(Array.from(unordered.i)).toEqual([0]);
    expect(Array.from(unordered.j)).toEqual([1]);
    expect(Array.from(unordered.draws)).toEqual([1]);
    expect(unordered.total).toBe(4);
  });
});

describe("canonicalCounts", () => {
  it("orders models by name (code units, not locale) and pairs by (a, b), moving every count along", () => {
    expect([compareNames("a", "b"), compareNames("b", "a"), compareNames("a", "a"), compareNames("B", "a")]).toEqual([-1, 1, 0, -1]);
    const counts = aggregateBattles([
      battle("b", "a", "model_a"),
      battle("c", "B", "model_b"),
      battle("a", "c", "tie"),
      battle("a", "b", "tie (bothbad)"),
      battle("b", "a", "model_b"),
    ]);
    const canonical = canonicalCounts(counts);
    expect(canonical.models).toEqual(["B", "a", "b", "c"]);
    expect(rows(canonical)).toEqual([
      ["a", "b", 0, 0, 0, 1],
      ["a", "c", 0, 0, 1, 0],
      ["b", "a", 1, 1, 0, 0],
      ["c", "B", 0, 1, 0, 0],
    ]);
    expect(canonical.total).toBe(5);
    // Read in another order, the same votes give the same counts.
    const reversed = canonicalCounts(
      aggregateBattles([
        battle("b", "a", "model_b"),
        battle("a", "b", "tie (bothbad)"),
        battle("a", "c", "tie"),
        battle("c", "B", "model_b"),
        battle("b", "a", "model_a"),
      ]),
    );
    expect(reversed).toEqual(canonical);
  });
});
