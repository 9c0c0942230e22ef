import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ranksOf } from "./ranks";
import {
  fitStyleControl as fit0,
  normalisedFeatures,
  styleCounts,
  summariseStyleControl,
  toStyleBattles,
  type StyledBattle,
} from "./style-control";

const fitStyleControl = (battles: Parameters<typeof fit0>[0], anchor?: { anchor: { model: string; rating: number } }) =>
  summariseStyleControl(fit0(battles), anchor?.anchor);
import type { Winner } from "./types";

/** lib/ratings/fixtures/style-battles.csv: 3,000 synthetic battles of 8 models with each side's style counts. */
function fixtureBattles(): StyledBattle[] {
  const lines = readFileSync(new URL("./fixtures/style-battles.csv", import.meta.url), "utf8")
    .trim()
    .split("\n")
    .slice(1);
  return lines.map((line) => {
    const fields = line.split(",");
    const n = fields.slice(3).map(Number);
    return {
      modelA: fields[0],
      modelB: fields[1],
      winner: fields[2] as Winner,
      styleA: { length: n[0], headers: n[1], lists: n[2], bold: n[3] },
      styleB: { length: n[4], headers: n[5], lists: n[6], bold: n[7] },
    };
  });
}

describe("style counts", () => {
  // Expected counts from FastChat's count_markdown_elements and remove_pattern
  // (fastchat/serve/monitor/add_markdown_info.py) run with Python 3.11 on the same turns joined by
  // "\n"; lengths are Python's len(), i.e. code points.
  it.each([
    [
      [
        "# Title\n\nSome **bold** and __also bold__ text.\n\n1. first\n2. second\n- bullet\n* star\n+ plus\n\n```python\n# not a header\n- not a list\n**not bold**\n```\n## Second header\n####### seven is no header\n#no space",
      ],
      { length: 199, headers: 2, lists: 5, bold: 2 },
    ],
    [
      ["## 回答\n１. 全角数字の項目\n2. 半角\n\u3000- 全角スペースの後のリスト\n**太字**です。😀"],
      { length: 49, headers: 1, lists: 3, bold: 1 },
    ],
    [["first **a**", "# second", "\n\n3. after blank lines"], { length: 43, headers: 1, lists: 1, bold: 1 }],
    [["no markdown at all"], { length: 18, headers: 0, lists: 0, bold: 0 }],
  ])("count as FastChat counts them: %j", (turns, expected) => {
    expect(styleCounts(turns)).toEqual(expected);
  });
});

describe("style control", () => {
  it("matches FastChat's compute_style_control on the same battles", () => {
    // Reference: FastChat's preprocess_for_style + fit_contextual_bt + scale_and_offset
    // (rating_systems.py at lm-sys/FastChat 2bdb2e0) with Python 3.11, numpy 1.24, scipy 1.10 and
    // pandas 1.5, on style-battles.csv with conv_metadata built from its count columns
    // (sum_assistant_*_tokens = length_*).
    const reference: Record<string, number> = {
      aster: 1177.632,
      birch: 1152.176,
      cedar: 1055.51,
      daphne: 1043.403,
      elm: 963.084,
      fir: 925.843,
      ginkgo: 916.724,
      hazel: 765.628,
    };
    const fit = fitStyleControl(toStyleBattles(fixtureBattles()));
    for (const [model, rating] of Object.entries(reference))
      expect(Math.abs(fit.ratings[fit.models.indexOf(model)] - rating)).toBeLessThan(0.5);
    const coefficients = [fit.coefficients.length, fit.coefficients.headers, fit.coefficients.lists, fit.coefficients.bold].map(
      (c) => c.value,
    );
    [0.25608, -0.0204, 0.13027, 0.02266].forEach((value, j) => expect(coefficients[j]).toBeCloseTo(value, 3));
  });

  it("gives intervals that hold the estimate and narrow with more battles; an anchor's own rating is exact", () => {
    const battles = fixtureBattles();
    const all = fitStyleControl(toStyleBattles(battles));
    const third = fitStyleControl(toStyleBattles(battles.slice(0, 1000)));
    for (let k = 0; k < all.models.length; k++) {
      expect(all.ciLow[k]).toBeLessThan(all.ratings[k]);
      expect(all.ciHigh[k]).toBeGreaterThan(all.ratings[k]);
      const m = third.models.indexOf(all.models[k]);
      expect(all.ciHigh[k] - all.ciLow[k]).toBeLessThan(third.ciHigh[m] - third.ciLow[m]);
    }
    // Length was built into the outcomes (see the fixture's generator): its interval excludes 0.
    expect(all.coefficients.length.ciLow).toBeGreaterThan(0);
    expect(all.coefficients.headers.ciLow).toBeLessThan(0);
    expect(all.coefficients.headers.ciHigh).toBeGreaterThan(0);

    const anchored = fitStyleControl(toStyleBattles(battles), { anchor: { model: "elm", rating: 1200 } });
    const elm = anchored.models.indexOf("elm");
    expect(anchored.ratings[elm]).toBeCloseTo(1200, 9);
    expect(anchored.ciHigh[elm] - anchored.ciLow[elm]).toBeCloseTo(0, 6);
    const aster = anchored.models.indexOf("aster");
    expect(anchored.ratings[aster] - anchored.ratings[elm]).toBeCloseTo(all.ratings[aster] - all.ratings[elm], 9);
    // Anchored, an interval is that of a difference of two ratings: the same width whichever of
    // the two is the anchor — for the first model in the list too.
    const fit = fit0(toStyleBattles(battles));
    const width = (model: string, anchor: string) => {
      const board = summariseStyleControl(fit, { model: anchor, rating: 1000 });
      const k = board.models.indexOf(model);
      return board.ciHigh[k] - board.ciLow[k];
    };
    const [first, second] = fit.models;
    for (const [a, b] of [
      ["aster", "elm"],
      [first, second],
      [first, "elm"],
    ]) {
      expect(width(a, b), `${a} anchored at ${b}`).toBeCloseTo(width(b, a), 6);
      expect(width(a, b)).toBeGreaterThan(0);
    }
    expect(width("aster", "elm")).not.toBeCloseTo(all.ciHigh[aster] - all.ciLow[aster], 1);
    // Unanchored, a 95% normal interval: ±1.96 standard errors of 400·θ.
    const d = fit.models.length + 4;
    fit.models.forEach((_, k) =>
      expect((all.ciHigh[k] - all.ratings[k]) / (400 * Math.sqrt(fit.covariance[k * d + k]))).toBeCloseTo(1.959964, 5),
    );
  });

  it("leaves a feature that never varies at zero instead of dividing by its zero spread", () => {
    const battles = fixtureBattles().map((b) => ({ ...b, styleA: { ...b.styleA, headers: 0 }, styleB: { ...b.styleB, headers: 0 } }));
    const features = normalisedFeatures(toStyleBattles(battles));
    expect(features.every(Number.isFinite)).toBe(true);
    const fit = fitStyleControl(toStyleBattles(battles));
    expect(fit.coefficients.headers.value).toBe(0);
    expect(fit.ratings.every(Number.isFinite)).toBe(true);
  });

  it("z-scores each normalised difference over the battles with the population spread", () => {
    const battle = (a: number, b: number): StyledBattle => ({
      modelA: "x",
      modelB: "y",
      winner: "tie",
      styleA: { length: a, headers: 0, lists: 0, bold: 0 },
      styleB: { length: b, headers: 0, lists: 0, bold: 0 },
    });
    // Differences (a − b)/(a + b + 1): 0.5 and −0.5 → mean 0, population spread 0.5 → ±1.
    const features = normalisedFeatures(toStyleBattles([battle(3, 1), battle(1, 3)]));
    expect(features[0]).toBeCloseTo(1, 12);
    expect(features[4]).toBeCloseTo(-1, 12);
  });

  it("ranks from the highest rating, ties sharing a rank", () => {
    expect(Array.from(ranksOf([1000, 1200, 1100, 1200]))).toEqual([4, 1, 3, 1]);
  });
});
