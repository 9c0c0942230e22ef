import { describe, expect, it } from "vitest";
import { voteInputSchema } from "./vote-input";

const valid = { assignmentId: "a".repeat(43), outcome: "LEFT", durationMs: 1500 };

describe("what the voting page may send with a vote", () => {
  it("accepts a vote with an assignment token, an outcome and a time, and the optional fields", () => {
    expect(voteInputSchema.parse(valid)).toEqual(valid);
    const full = {
      ...valid,
      outcome: "BOTH_BAD",
      reason: "r".repeat(2000),
      correctedAnswer: "c".repeat(20_000),
      identityLeak: true,
      durationMs: 0,
    };
    expect(voteInputSchema.parse(full)).toEqual(full);
    expect(voteInputSchema.safeParse({ ...valid, durationMs: 24 * 3600 * 1000 }).success).toBe(true);
    expect(voteInputSchema.safeParse({ ...valid, assignmentId: "A_b-".repeat(5) }).success).toBe(true);
  });

  it.each([
    ["a token too short", { assignmentId: "a".repeat(19) }],
    ["a token too long", { assignmentId: "a".repeat(101) }],
    ["a token with other characters", { assignmentId: `${"a".repeat(42)}/` }],
    ["a token with a line break after it", { assignmentId: `${"a".repeat(43)}\n` }],
    ["an unknown outcome", { outcome: "MODEL_A" }],
    ["a reason over 2,000 characters", { reason: "r".repeat(2001) }],
    ["a corrected answer over 20,000 characters", { correctedAnswer: "c".repeat(20_001) }],
    ["an identity-leak flag that is not a boolean", { identityLeak: "yes" }],
    ["a negative time", { durationMs: -1 }],
    ["a time over a day", { durationMs: 24 * 3600 * 1000 + 1 }],
    ["an infinite time", { durationMs: Infinity }],
  ])("refuses %s", (_kind, change) => {
    expect(voteInputSchema.safeParse({ ...valid, ...change }).success).toBe(false);
  });
});
