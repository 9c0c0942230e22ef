import { describe, expect, it } from "vitest";
import { campaignSettingsSchema, liveLimitsSchema, liveSettingsSchema, slugSchema, splitWords } from "./settings";

/** The settings' rules, without a database: `npm run test:mutation:unit` mutates them against these tests alone. */
describe("the settings' rules", () => {
  it("takes slugs of 2–60 lowercase letters, digits and inner dashes", () => {
    for (const ok of ["ab", "jp-chat-2026", "a".repeat(60), "  padded  "]) expect(slugSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ["a", "a".repeat(61), "-ab", "ab-", "Ab", "a_b", "a b", "日本"])
      expect(slugSchema.safeParse(bad).success, bad).toBe(false);
    expect(slugSchema.safeParse("A!").error?.issues.map((i) => i.message)).toContain("lowercase letters, digits and dashes");
  });

  it("fills in a new campaign's defaults", () => {
    expect(campaignSettingsSchema.parse({ name: "  Defaults  " })).toMatchObject({
      name: "Defaults",
      instructions: "",
      language: "ja",
      allowedOutcomes: ["LEFT", "RIGHT", "TIE", "BOTH_BAD"],
      reasonPolicy: "OPTIONAL",
      revealModelsAfterVote: false,
      correctionPolicy: "OFF",
      strategy: "BALANCED",
      targetVotesPerItem: 3,
      dailyCapPerAnnotator: null,
      minSecondsPerVote: null,
      assignmentTtlSeconds: 1800,
    });
    expect(liveSettingsSchema.parse({})).toEqual({
      live: false,
      liveMaxTurns: 3,
      livePromptsPerHour: 30,
      livePromptMaxChars: 4000,
      moderationWords: [],
    });
  });

  it("always allows both sides to win, keeps the outcomes in screen order, and drops repeated identity words", () => {
    const outcomes = (allowedOutcomes: string[]) => campaignSettingsSchema.safeParse({ name: "x", allowedOutcomes });
    expect(outcomes(["TIE", "RIGHT", "BOTH_GOOD", "LEFT"]).data?.allowedOutcomes).toEqual(["LEFT", "RIGHT", "TIE", "BOTH_GOOD"]);
    for (const missing of [
      ["LEFT", "TIE"],
      ["RIGHT", "TIE"],
    ]) {
      const parsed = outcomes(missing);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0].message).toBe("A better and B better are always allowed");
    }
    expect(campaignSettingsSchema.parse({ name: "x", identityWords: ["GPT", "GPT", "Claude"] }).identityWords).toEqual(["GPT", "Claude"]);
  });

  it("keeps every number within its bounds", () => {
    const bounds: [Record<string, unknown>, boolean][] = [
      [{ name: "" }, false],
      [{ name: "n".repeat(200) }, true],
      [{ name: "n".repeat(201) }, false],
      [{ name: "x", instructions: "i".repeat(20_001) }, false],
      [{ name: "x", dailyCapPerAnnotator: 1 }, true],
      [{ name: "x", dailyCapPerAnnotator: 0 }, false],
      [{ name: "x", dailyCapPerAnnotator: 100_000 }, true],
      [{ name: "x", dailyCapPerAnnotator: 100_001 }, false],
      [{ name: "x", minSecondsPerVote: 1 }, true],
      [{ name: "x", minSecondsPerVote: 0 }, false],
      [{ name: "x", minSecondsPerVote: 3600 }, true],
      [{ name: "x", minSecondsPerVote: 3601 }, false],
      [{ name: "x", identityWords: ["w".repeat(100)] }, true],
      [{ name: "x", identityWords: ["w".repeat(101)] }, false],
      [{ name: "x", identityWords: ["  "] }, false],
      [{ name: "x", targetVotesPerItem: 1 }, true],
      [{ name: "x", targetVotesPerItem: 0 }, false],
      [{ name: "x", targetVotesPerItem: 1000 }, true],
      [{ name: "x", targetVotesPerItem: 1001 }, false],
      [{ name: "x", assignmentTtlSeconds: 60 }, true],
      [{ name: "x", assignmentTtlSeconds: 59 }, false],
      [{ name: "x", assignmentTtlSeconds: 7 * 24 * 3600 }, true],
      [{ name: "x", assignmentTtlSeconds: 7 * 24 * 3600 + 1 }, false],
      [{ name: "x", language: "en" }, true],
      [{ name: "x", language: "" }, false],
    ];
    for (const [input, ok] of bounds) expect(campaignSettingsSchema.safeParse(input).success, JSON.stringify(input).slice(0, 80)).toBe(ok);
    const live: [Record<string, unknown>, boolean][] = [
      [{ liveMaxTurns: 1 }, true],
      [{ liveMaxTurns: 0 }, false],
      [{ liveMaxTurns: 20 }, true],
      [{ liveMaxTurns: 21 }, false],
      [{ livePromptsPerHour: 1 }, true],
      [{ livePromptsPerHour: 0 }, false],
      [{ livePromptsPerHour: 10_000 }, true],
      [{ livePromptsPerHour: 10_001 }, false],
      [{ livePromptMaxChars: 100 }, true],
      [{ livePromptMaxChars: 99 }, false],
      [{ livePromptMaxChars: 100_000 }, true],
      [{ livePromptMaxChars: 100_001 }, false],
      [{ moderationWords: ["w".repeat(100)] }, true],
      [{ moderationWords: ["w".repeat(101)] }, false],
      [{ moderationWords: [" "] }, false],
      [{ moderationWords: Array.from({ length: 1000 }, (_, i) => `w${i}`) }, true],
      [{ moderationWords: Array.from({ length: 1001 }, (_, i) => `w${i}`) }, false],
    ];
    for (const [input, ok] of live) expect(liveSettingsSchema.safeParse(input).success, JSON.stringify(input).slice(0, 80)).toBe(ok);
    expect(liveSettingsSchema.parse({ moderationWords: ["  spam  "] }).moderationWords).toEqual(["spam"]);
    // The limits a live campaign's settings form changes: everything but live mode itself.
    expect(liveLimitsSchema.parse({ live: true, liveMaxTurns: 2 })).toEqual({
      liveMaxTurns: 2,
      livePromptsPerHour: 30,
      livePromptMaxChars: 4000,
      moderationWords: [],
    });
  });

  it("reads identity words one per line or separated by commas (either kind), trimmed, without empty ones", () => {
    expect(splitWords(" GPT-4 ,Claude\nクロード、 Gemini \n\n,")).toEqual(["GPT-4", "Claude", "クロード", "Gemini"]);
  });

  it("takes a stopping target with a value that fits its kind, and drops the value without a target", () => {
    const base = { name: "Study" };
    const cases: [Record<string, unknown>, boolean][] = [
      [{ stopTarget: "TOP", stopTargetValue: 1 }, true],
      [{ stopTarget: "TOP", stopTargetValue: 50 }, true],
      [{ stopTarget: "TOP", stopTargetValue: 0 }, false],
      [{ stopTarget: "TOP", stopTargetValue: 51 }, false],
      [{ stopTarget: "TOP", stopTargetValue: 2.5 }, false],
      [{ stopTarget: "TOP", stopTargetValue: null }, false],
      [{ stopTarget: "ADJACENT", stopTargetValue: 0.5 }, true],
      [{ stopTarget: "ADJACENT", stopTargetValue: 400 }, true],
      [{ stopTarget: "ADJACENT", stopTargetValue: 0 }, false],
      [{ stopTarget: "ADJACENT", stopTargetValue: 401 }, false],
      [{ stopTarget: "VOTES", stopTargetValue: 1 }, true],
      [{ stopTarget: "VOTES", stopTargetValue: 10_000_000 }, true],
      [{ stopTarget: "VOTES", stopTargetValue: 10_000_001 }, false],
      [{ stopTarget: "VOTES", stopTargetValue: 99.5 }, false],
      [{ stopTarget: "SOMETIME", stopTargetValue: 1 }, false],
    ];
    for (const [input, ok] of cases)
      expect(campaignSettingsSchema.safeParse({ ...base, ...input }).success, JSON.stringify(input)).toBe(ok);
    const refused = campaignSettingsSchema.safeParse({ ...base, stopTarget: "TOP", stopTargetValue: 0 });
    expect(refused.success ? [] : refused.error.issues.map((issue) => issue.path.join("."))).toEqual(["stopTargetValue"]);
    expect(campaignSettingsSchema.parse({ ...base, stopTarget: null, stopTargetValue: 7 })).toMatchObject({
      stopTarget: null,
      stopTargetValue: null,
    });
    expect(campaignSettingsSchema.parse(base)).toMatchObject({ stopTarget: null, stopTargetValue: null });
  });
});
