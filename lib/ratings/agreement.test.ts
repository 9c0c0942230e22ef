import { describe, expect, it } from "vitest";
import { annotatorStats, cohensKappa, krippendorffAlphaNominal, type AnnotatorVote } from "./agreement";

const vote = (annotator: string, item: string, label: string, choice: AnnotatorVote["choice"], seconds = 1): AnnotatorVote => ({
  annotator,
  item,
  label,
  choice,
  durationMs: seconds * 1000,
});

describe("annotatorStats' edges", () => {
  it("takes the median of unsorted durations, leaves out missing ones, and counts both-good as a tie", () => {
    const stats = annotatorStats([
      vote("a", "i1", "first", "left", 30),
      vote("a", "i2", "first", "right", 10),
      vote("a", "i3", "tie", "bothgood", 20),
      vote("a", "i4", "first", "left", NaN),
      vote("b", "i1", "first", "tie", NaN),
      vote("c", "i5", "first", "left"),
      vote("c", "i6", "second", "right"),
    ]);
    const a = stats.find((s) => s.annotator === "a")!;
    expect(a.medianSeconds).toBe(20);
    expect(a.leftShare).toBeCloseTo(2 / 3, 12);
    expect(a.tieRate).toBe(0.25);
    const b = stats.find((s) => s.annotator === "b")!;
    expect(Number.isNaN(b.medianSeconds)).toBe(true);
    expect(Number.isNaN(b.leftShare)).toBe(true);
    expect(b.tieRate).toBe(1);
    // As many left as right picks is no bias at all, not an undefined share.
    expect(stats.find((s) => s.annotator === "c")!.leftShare).toBe(0.5);
  });

  it("compares with the others' majority when one label leads, and not when the lead is shared", () => {
    const stats = annotatorStats([
      // i1: the others say first, first, second — first leads.
      vote("x", "i1", "first", "left"),
      vote("y", "i1", "first", "left"),
      vote("z", "i1", "second", "right"),
      vote("me", "i1", "first", "left"),
      // i2: the others split one to one.
      vote("x", "i2", "first", "left"),
      vote("y", "i2", "second", "right"),
      vote("me", "i2", "second", "right"),
      // i3: the first vote on the item is another annotator's.
      vote("x", "i3", "tie", "tie"),
      vote("me", "i3", "first", "left"),
    ]);
    const me = stats.find((s) => s.annotator === "me")!;
    expect(me.comparableItems).toBe(2);
    expect(me.majorityAgreement).toBe(0.5);
    const z = stats.find((s) => s.annotator === "z")!;
    expect(z.comparableItems).toBe(1);
    expect(z.majorityAgreement).toBe(0);
  });
});

describe("Cohen's κ and Krippendorff's α at their edges", () => {
  it("κ uses only items both raters labelled, and is undefined without any or when both used one label throughout", () => {
    const first = new Map([
      ["a", "yes"],
      ["b", "no"],
      ["only-first", "yes"],
    ]);
    const second = new Map([
      ["a", "yes"],
      ["b", "yes"],
    ]);
    // Two items: observed 1/2, expected (1/2·1 + 1/2·0) = 1/2 → κ = 0.
    expect(cohensKappa(first, second)).toEqual({ kappa: 0, items: 2 });
    const none = cohensKappa(new Map([["x", "yes"]]), new Map([["y", "yes"]]));
    expect(none.items).toBe(0);
    expect(Number.isNaN(none.kappa)).toBe(true);
    const same = cohensKappa(new Map([["x", "yes"]]), new Map([["x", "yes"]]));
    expect(same.items).toBe(1);
    expect(Number.isNaN(same.kappa)).toBe(true);
  });

  it("α is undefined without two labels on an item or when every label is the same, and counts pairable values", () => {
    const single = krippendorffAlphaNominal([["a"], ["b"]]);
    expect(single).toMatchObject({ items: 0, pairable: 0 });
    expect(Number.isNaN(single.alpha)).toBe(true);
    const unanimous = krippendorffAlphaNominal([
      ["a", "a"],
      ["a", "a", "a"],
    ]);
    expect(unanimous).toMatchObject({ items: 2, pairable: 5 });
    expect(Number.isNaN(unanimous.alpha)).toBe(true);
    // Two items, each split a/b: perfect disagreement, α = 1 − (4 − 1)·4 / (2·2·2) = −0.5.
    expect(
      krippendorffAlphaNominal([
        ["a", "b"],
        ["a", "b"],
      ]),
    ).toEqual({ alpha: -0.5, items: 2, pairable: 4 });
  });
});
