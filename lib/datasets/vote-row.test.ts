import { describe, expect, it } from "vitest";
import { toImportedVote, type ImportedVote } from "./vote-row";

/**
 * One battle-log row checked and normalised: what a researcher importing a file is told about a
 * bad row, and what an accepted row becomes. import-errors.test.ts covers the same rules through
 * a whole file and the database; these are the row-level edges, without one.
 */

const pseudonym = (judge: string) => `judge_${judge.length}`;

function vote(values: Record<string, unknown>, line = 7): ImportedVote {
  const result = toImportedVote(line, { model_a: "alpha", model_b: "beta", winner: "model_a", ...values }, pseudonym);
  if ("problem" in result) throw new Error(`unexpected problem: ${result.problem}`);
  return result.vote;
}

function problem(values: Record<string, unknown>): string {
  const result = toImportedVote(7, { model_a: "alpha", model_b: "beta", winner: "model_a", ...values }, pseudonym);
  if ("vote" in result) throw new Error("the row was accepted");
  return result.problem;
}

describe("an accepted row", () => {
  it("takes defaults for what the file leaves out", () => {
    expect(vote({})).toMatchObject({
      line: 7,
      questionId: null,
      modelA: "alpha",
      modelB: "beta",
      winner: "MODEL_A",
      outcome: "LEFT",
      judge: "anonymous",
      turn: 1,
      language: null,
      tstamp: null,
      reason: null,
      correctedAnswer: null,
      identityLeak: false,
      durationMs: null,
      category: null,
      conversationA: null,
      conversationB: null,
      styleA: "{}",
      styleB: "{}",
    });
  });

  it("trims model names, winner and outcome, and keeps the other texts as written", () => {
    const row = vote({
      model_a: " alpha ",
      model_b: "beta\t",
      winner: " tie ",
      outcome: "both_good ",
      reason: " why ",
      language: "ja",
      category: "math",
    });
    expect([row.modelA, row.modelB, row.winner, row.outcome, row.reason, row.language, row.category]).toEqual([
      "alpha",
      "beta",
      "TIE",
      "BOTH_GOOD",
      " why ",
      "ja",
      "math",
    ]);
  });

  it("turns a judge that looks like an e-mail address into a pseudonym, and a blank judge into anonymous", () => {
    expect(vote({ judge: " ann@example.org " }).judge).toBe("judge_15");
    expect(vote({ judge: "  " }).judge).toBe("anonymous");
    expect(vote({ judge: " rater-1 " }).judge).toBe("rater-1");
  });

  it("reads an empty field, as CSV writes a missing value, as no value", () => {
    const empty = Object.fromEntries(
      [
        "question_id",
        "judge",
        "language",
        "reason",
        "corrected_answer",
        "category",
        "turn",
        "duration_ms",
        "tstamp",
        "anony",
        "identity_leak",
        "outcome",
        "conversation_a",
        "conversation_b",
      ].map((name) => [name, ""]),
    );
    expect(vote(empty)).toEqual(vote({}));
  });

  it("reads numbers given as text, numbers or big integers", () => {
    expect(vote({ turn: " 2 ", duration_ms: 0 })).toMatchObject({ turn: 2, durationMs: 0 });
    expect(vote({ turn: 3n, duration_ms: "2147483647" })).toMatchObject({ turn: 3, durationMs: 2_147_483_647 });
    expect(vote({ question_id: 81 }).questionId).toBe("81");
    expect(vote({ question_id: 82n }).questionId).toBe("82");
  });

  it.each([
    [true, true],
    ["true", true],
    ["True", true],
    ["1", true],
    [1, true],
    [false, false],
    ["false", false],
    ["False", false],
    ["0", false],
    [0, false],
  ])("reads identity_leak %j as %j", (given, expected) => {
    expect(vote({ identity_leak: given }).identityLeak).toBe(expected);
  });

  it.each([true, "true", "True", "1", 1])("accepts a blind battle marked anony %j", (anony) => {
    expect(vote({ anony }).winner).toBe("MODEL_A");
  });

  it.each([
    [1733450000.1234567, 1733450000.123457],
    [" 1733450000 ", 1733450000],
    ["2024-12-06T00:00:00Z", 1733443200],
    [1733450000n, 1733450000],
    [new Date("2024-12-06T00:00:00.5Z"), 1733443200.5],
    [0, 0],
    [32503680000, 32503680000],
  ])("reads tstamp %s as %s Unix seconds, to the microsecond", (given, expected) => {
    expect(vote({ tstamp: given }).tstamp).toBe(expected);
  });

  it("keeps only role and content of each message, and counts style on the assistant's turns", () => {
    const row = vote({
      conversation_a: JSON.stringify([
        { role: "user", content: "# not counted", extra: 1 },
        { role: "assistant", content: "# Title\n\n- one\n- two\n\n**bold**" },
      ]),
      conversation_b: [{ role: "assistant", content: "plain" }],
    });
    expect(JSON.parse(row.conversationA!)).toEqual([
      { role: "user", content: "# not counted" },
      { role: "assistant", content: "# Title\n\n- one\n- two\n\n**bold**" },
    ]);
    expect(row.conversationB).toBe(JSON.stringify([{ role: "assistant", content: "plain" }]));
    expect(row.styleA).not.toBe(row.styleB);
    expect(row.styleA).toMatch(/^\{\d+(,\d+)+\}$/);
    expect(
      row.styleA
        .split(",")
        .slice(1)
        .some((count) => Number.parseInt(count, 10) > 0),
    ).toBe(true);
  });
});

describe("a row's key and hash, which tell a re-import from a conflict", () => {
  it("orders keys by time, or by line without a time", () => {
    const early = vote({ tstamp: 9 }).key;
    const late = vote({ tstamp: 10 }).key;
    expect(early < late).toBe(true);
    expect(early.startsWith("t00000000009000000:")).toBe(true);
    expect(vote({}, 42).key.startsWith("r000000000042:")).toBe(true);
    expect(vote({}, 42).key).not.toBe(vote({}, 43).key);
  });

  it("gives the same key to the same battle and a different one to another battle", () => {
    const base = { tstamp: 100, question_id: "q1", judge: "rater" };
    const key = vote(base).key;
    expect(vote({ ...base, reason: "changed" }).key).toBe(key);
    // A file re-exported with other rows before this one: the same battle on another line.
    expect(vote(base, 1234).key).toBe(key);
    for (const other of [{ question_id: "q2" }, { model_a: "gamma" }, { model_b: "gamma" }, { judge: "other" }, { tstamp: 101 }]) {
      expect(vote({ ...base, ...other }).key).not.toBe(key);
    }
  });

  it("changes the hash when anything the vote says changes, and only then", () => {
    const base = { tstamp: 100, reason: "why", turn: 1 };
    const hash = vote(base).hash;
    expect(vote({ ...base }, 99).hash).toBe(hash);
    for (const other of [
      { winner: "tie" },
      { winner: "tie", outcome: "both_good" },
      { reason: "other" },
      { turn: 2 },
      { language: "en" },
      { corrected_answer: "x" },
      { identity_leak: true },
      { duration_ms: 5 },
      { category: "c" },
      { conversation_a: [{ role: "user", content: "hi" }] },
      { conversation_b: [{ role: "user", content: "hi" }] },
    ]) {
      expect(vote({ ...base, ...other }).hash).not.toBe(hash);
    }
  });
});

describe("a rejected row says why", () => {
  it.each([
    [{ model_a: "" }, "missing model_a"],
    [{ model_a: "   " }, "missing model_a"],
    [{ model_b: null }, "missing model_b"],
    [{ winner: undefined }, "missing winner"],
    [{ model_a: { name: "x" } }, "model_a must be text, found an object"],
    [{ model_b: ["x"] }, "model_b must be text, found a list"],
    [{ winner: true }, 'winner must be text, found boolean "true"'],
    [{ model_a: "a".repeat(201) }, "model_a is longer than 200 characters"],
    [{ model_b: "b".repeat(201) }, "model_b is longer than 200 characters"],
    [{ model_a: " beta " }, "model_a and model_b are the same model (beta)"],
    [{ winner: "model_c" }, 'unknown winner "model_c" (expected one of: model_a | model_b | tie | tie (bothbad))'],
    [{ outcome: "draw" }, 'unknown outcome "draw" (expected one of: left | right | tie | both_bad | both_good)'],
    [{ outcome: "right" }, 'outcome "right" contradicts winner "model_a"'],
    [{ anony: false }, "anony is false: only blind (anonymous) battles can be rated"],
    [{ anony: "False" }, "anony is false: only blind (anonymous) battles can be rated"],
    [{ anony: "0" }, "anony is false: only blind (anonymous) battles can be rated"],
    [{ anony: 0 }, "anony is false: only blind (anonymous) battles can be rated"],
    [{ anony: "yes" }, 'anony must be true or false, found string "yes"'],
    [{ identity_leak: 2 }, 'identity_leak must be true or false, found number "2"'],
    [{ judge: "j".repeat(201) }, "judge is longer than 200 characters"],
    [{ question_id: "q".repeat(201) }, "question_id is longer than 200 characters"],
    [{ language: "l".repeat(101) }, "language is longer than 100 characters"],
    [{ category: "c".repeat(201) }, "category is longer than 200 characters"],
    [{ reason: "r".repeat(10_001) }, "reason is longer than 10000 characters"],
    [{ turn: 0 }, 'turn must be a whole number ≥ 1, found number "0"'],
    [{ turn: "1.5" }, 'turn must be a whole number ≥ 1, found string "1.5"'],
    [{ turn: "two" }, 'turn must be a whole number ≥ 1, found string "two"'],
    [{ turn: 2_147_483_648 }, 'turn must be a whole number ≥ 1, found number "2147483648"'],
    [{ turn: true }, 'turn must be a whole number ≥ 1, found boolean "true"'],
    [{ duration_ms: -1 }, 'duration_ms must be a whole number ≥ 0, found number "-1"'],
    [{ tstamp: -1 }, 'tstamp must be Unix seconds or a date, found number "-1"'],
    [{ tstamp: 32503680001 }, 'tstamp must be Unix seconds or a date, found number "32503680001"'],
    [{ tstamp: "yesterday" }, 'tstamp must be Unix seconds or a date, found string "yesterday"'],
    [{ tstamp: true }, 'tstamp must be Unix seconds or a date, found boolean "true"'],
    [{ conversation_a: "[not json" }, "conversation_a is not a JSON list of {role, content} messages"],
    [{ conversation_b: { role: "user" } }, "conversation_b must be a list of {role, content} messages, found an object"],
    [{ conversation_a: "null" }, "conversation_a must be a list of {role, content} messages, found null"],
    [{ conversation_a: [{ role: "user", content: "ok" }, { role: "assistant" }] }, "conversation_a[1] must have text role and content"],
    [{ conversation_a: [null] }, "conversation_a[0] must have text role and content"],
    [{ conversation_a: ["text"] }, "conversation_a[0] must have text role and content"],
    [{ conversation_b: [{ role: 1, content: "x" }] }, "conversation_b[0] must have text role and content"],
  ])("%j: %s", (values, message) => {
    expect(problem(values)).toBe(message);
  });

  it("cuts a long value in the message", () => {
    expect(problem({ turn: "9".repeat(100) })).toBe(`turn must be a whole number ≥ 1, found string "${"9".repeat(39)}`);
    expect(problem({ winner: "w".repeat(100) })).toBe(
      `unknown winner "${"w".repeat(60)}" (expected one of: model_a | model_b | tie | tie (bothbad))`,
    );
  });

  it("takes texts and messages up to their limits", () => {
    expect(vote({ model_a: "a".repeat(200), reason: "r".repeat(10_000), language: "l".repeat(100) }).modelA).toHaveLength(200);
    expect(vote({ conversation_a: [{ role: "assistant", content: "x".repeat(1_000_000) }] }).conversationA).toContain(
      "x".repeat(1_000_000),
    );
    expect(problem({ conversation_a: [{ role: "assistant", content: "x".repeat(1_000_001) }] })).toBe(
      "conversation_a[0] is longer than 1000000 characters",
    );
    expect(problem({ corrected_answer: "x".repeat(1_000_001) })).toBe("corrected_answer is longer than 1000000 characters");
  });
});
