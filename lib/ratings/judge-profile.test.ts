import { describe, expect, it } from "vitest";
import type { HumanTally } from "./judge-agreement";
import { judgeProfile, type ProfiledVerdict } from "./judge-profile";

const verdict = (overrides: Partial<ProfiledVerdict>): ProfiledVerdict => ({
  question: "1",
  pair: "a|b",
  turn: 1,
  verdict: "first",
  g1: "model_a",
  g2: "model_a",
  lengths: [100, 50],
  self: null,
  ...overrides,
});

describe("a judge's profile", () => {
  it("finds the position an inconsistent judge favours: in the swapped order model_b is the one shown first", () => {
    const profile = judgeProfile(
      [
        // Picks what is shown first in both orders: two first-position picks.
        verdict({ question: "1", verdict: "tie", g1: "model_a", g2: "model_b" }),
        // Picks what is shown second in both orders.
        verdict({ question: "2", verdict: "tie", g1: "model_b", g2: "model_a" }),
        // A tie in one order: only the other order's pick counts (model_a first → first position).
        verdict({ question: "3", verdict: "tie", g1: "model_a", g2: "tie" }),
        // Consistent, or asked once: not inconsistent.
        verdict({ question: "4", g1: "model_a", g2: "model_a" }),
        verdict({ question: "5", g1: "model_b", g2: null, verdict: "second" }),
      ],
      [],
    );
    expect(profile.inconsistent).toBe(3);
    expect(profile.firstPosition).toEqual({ count: 3, of: 5, share: 0.6 });
  });

  it("compares the judge's taste for longer answers with the humans' on the same pairs", () => {
    const humans: HumanTally[] = [
      { question: "1", pair: "a|b", turn: 1, first: 1, second: 3, tie: 2 },
      { question: "2", pair: "a|b", turn: 1, first: 2, second: 0, tie: 0 },
    ];
    const profile = judgeProfile(
      [
        verdict({ question: "1", verdict: "first", lengths: [300, 100] }),
        verdict({ question: "2", verdict: "first", lengths: [10, 90] }),
        // Ties and equal lengths say nothing about length.
        verdict({ question: "3", verdict: "tie", lengths: [300, 100] }),
        verdict({ question: "4", verdict: "second", lengths: [80, 80] }),
      ],
      humans,
    );
    expect(profile.longer.judge).toEqual({ count: 1, of: 2, share: 0.5 });
    // Question 1: the longer is first, humans chose it once of four decided votes; question 2: the longer is second, never chosen of two.
    expect(profile.longer.humans).toEqual({ count: 1, of: 6, share: 1 / 6 });
  });

  it("measures self-preference only when the judge's own model is a contestant", () => {
    expect(judgeProfile([verdict({})], []).selfPreference).toBeNull();
    const humans: HumanTally[] = [{ question: "1", pair: "a|b", turn: 1, first: 0, second: 2, tie: 1 }];
    const profile = judgeProfile(
      [
        verdict({ question: "1", self: "second", verdict: "second" }),
        verdict({ question: "2", self: "first", verdict: "second" }),
        verdict({ question: "3", self: "first", verdict: "tie" }),
      ],
      humans,
    );
    expect(profile.selfPreference).toEqual({ judge: { count: 1, of: 2, share: 0.5 }, humans: { count: 2, of: 2, share: 1 } });
    expect(judgeProfile([], []).firstPosition.share).toBeNull();
  });
});
