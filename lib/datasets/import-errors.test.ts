import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createTestCampaign } from "@/lib/testing/factories";
import { importVotes, VoteImportRejected } from "./import-votes";
import type { ImportFormat } from "./read-formats";
import { runHikaku } from "@/lib/testing/cli";

const dir = mkdtempSync(join(tmpdir(), "hikaku-import-votes-"));
let files = 0;

function file(content: string | Buffer, extension: string): string {
  const path = join(dir, `file-${++files}.${extension}`);
  writeFileSync(path, content);
  return path;
}

const good = (n: number, extra: object = {}) => ({
  question_id: `q${n}`,
  model_a: "alpha",
  model_b: "beta",
  winner: "model_a",
  judge: "j1",
  tstamp: 1_700_000_000 + n,
  ...extra,
});
const jsonl = (...rows: (object | string)[]) => rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n";

async function problems(content: string | Buffer, format: ImportFormat): Promise<string[]> {
  const campaign = await createTestCampaign();
  try {
    await importVotes(null, campaign.id, { path: file(content, format), format });
  } catch (error) {
    if (error instanceof VoteImportRejected) {
      expect(await db.vote.count({ where: { campaignId: campaign.id } })).toBe(0);
      return error.errors.map((e) => `${e.line}: ${e.message}`);
    }
    throw error;
  }
  throw new Error("the file was accepted");
}

describe("importing battle logs: bad files are rejected whole, with line numbers, and nothing is saved", () => {
  it("an unknown winner value", async () => {
    expect(await problems(jsonl(good(1), good(2, { winner: "model_c" })), "jsonl")).toEqual([
      '2: unknown winner "model_c" (expected one of: model_a | model_b | tie | tie (bothbad))',
    ]);
  });

  it("a missing model, and the same model on both sides", async () => {
    expect(await problems(jsonl(good(1, { model_a: "" }), good(2, { model_b: "alpha" })), "jsonl")).toEqual([
      "1: missing model_a",
      "2: model_a and model_b are the same model (alpha)",
    ]);
  });

  it("a line that is not JSON, and one that is not an object", async () => {
    expect(await problems(jsonl(good(1), "{ not json", "[1, 2]", good(4)), "jsonl")).toEqual([
      expect.stringMatching(/^2: not valid JSON/),
      "3: expected a JSON object",
    ]);
  });

  it("values of the wrong type", async () => {
    expect(
      await problems(
        jsonl(
          good(1, { turn: "two" }),
          good(2, { tstamp: "yesterday-ish" }),
          good(3, { conversation_a: "hello" }),
          good(4, { identity_leak: "maybe" }),
        ),
        "jsonl",
      ),
    ).toEqual([
      '1: turn must be a whole number ≥ 1, found string "two"',
      '2: tstamp must be Unix seconds or a date, found string "yesterday-ish"',
      "3: conversation_a is not a JSON list of {role, content} messages",
      '4: identity_leak must be true or false, found string "maybe"',
    ]);
  });

  it("an outcome that contradicts the winner, and a battle that was not blind", async () => {
    expect(await problems(jsonl(good(1, { outcome: "right" }), good(2, { anony: false })), "jsonl")).toEqual([
      '1: outcome "right" contradicts winner "model_a"',
      "2: anony is false: only blind (anonymous) battles can be rated",
    ]);
  });

  it("the same key (question, models, judge, time) twice with different content", async () => {
    expect(await problems(jsonl(good(1), good(2), good(1, { winner: "tie" })), "jsonl")).toEqual([
      "3: same question_id, models, judge and tstamp as an earlier row of this file but different content",
    ]);
  });

  it("a vote imported before with different content", async () => {
    const campaign = await createTestCampaign();
    await importVotes(null, campaign.id, { path: file(jsonl(good(1), good(2)), "jsonl"), format: "jsonl" });
    await expect(
      importVotes(null, campaign.id, { path: file(jsonl(good(3), good(2, { winner: "model_b" })), "jsonl"), format: "jsonl" }),
    ).rejects.toMatchObject({
      errors: [{ line: 2, message: "this vote was imported before with different content" }],
    });
    expect(await db.vote.count({ where: { campaignId: campaign.id } })).toBe(2);
  });

  it("an empty file, and a CSV with only its header", async () => {
    expect(await problems("", "jsonl")).toEqual(["1: the file has no rows"]);
    expect(await problems("model_a,model_b,winner\n", "csv")).toEqual(["1: the file has no rows"]);
  });

  it("a byte-order mark and CRLF line ends are read, and problems keep their true line numbers", async () => {
    const csv = "\ufeffquestion_id,model_a,model_b,winner\r\nq1,alpha,beta,model_a\r\nq2,alpha,beta,model_z\r\n";
    expect(await problems(csv, "csv")).toEqual(['3: unknown winner "model_z" (expected one of: model_a | model_b | tie | tie (bothbad))']);
    const lines = "\ufeff" + jsonl(good(1), good(2, { winner: "x" })).replace(/\n/g, "\r\n");
    expect(await problems(lines, "jsonl")).toEqual(['2: unknown winner "x" (expected one of: model_a | model_b | tie | tie (bothbad))']);
  });

  it("a CSV row with the wrong number of fields, and a quote that is never closed", async () => {
    expect(await problems("model_a,model_b,winner\nalpha,beta\nalpha,beta,tie\n", "csv")).toEqual([
      "2: expected 3 fields as in the header, found 2",
    ]);
    expect(await problems('model_a,model_b,winner\nalpha,beta,tie\n"alpha,beta,tie\n', "csv")).toEqual([
      "3: line 3: a quoted field is not closed",
    ]);
  });

  it("a 10 MB line", async () => {
    const huge = JSON.stringify(good(2, { reason: "x".repeat(10_000_000) }));
    expect(await problems(jsonl(good(1), huge, good(3)), "jsonl")).toEqual([
      expect.stringMatching(/^2: line 2: a line is longer than 8 million characters/),
    ]);
  });

  it("a file that is not Parquet", async () => {
    expect(await problems("model_a,model_b,winner\n", "parquet")).toEqual([expect.stringMatching(/^0: not a Parquet file/)]);
  });

  it("from the command line: exit code 2 with file and line, nothing saved", async () => {
    const campaign = await createTestCampaign();
    const path = file(jsonl(good(1), good(2, { winner: "nope" })), "jsonl");
    const result = runHikaku(["import-votes", "--campaign", campaign.slug, "--file", path]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`${path}:2: unknown winner "nope"`);
    expect(await db.vote.count({ where: { campaignId: campaign.id } })).toBe(0);
  });
});

describe("importing battle logs", () => {
  it("counts repeats across write batches, and a re-import of an overlapping file adds only the new rows", async () => {
    const campaign = await createTestCampaign();
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => good(from + i));
    // 12,000 rows (more than two write batches); row 11,001 repeats row 11 exactly.
    const first = [...range(0, 11_000), good(10), ...range(11_000, 11_999)];
    expect(await importVotes(null, campaign.id, { path: file(jsonl(...first), "jsonl"), format: "jsonl" })).toEqual({
      rows: 12_000,
      votesAdded: 11_999,
      votesKept: 0,
      duplicateRows: 1,
      modelsAdded: expect.any(Number),
    });
    // Rows 6,000–11,998 are there already (whole batches of them, and a batch half old, half new).
    expect(await importVotes(null, campaign.id, { path: file(jsonl(...range(6_000, 14_000)), "jsonl"), format: "jsonl" })).toEqual({
      rows: 8_000,
      votesAdded: 2_001,
      votesKept: 5_999,
      duplicateRows: 0,
      modelsAdded: 0,
    });
    expect(await db.vote.count({ where: { campaignId: campaign.id } })).toBe(14_000);
  });

  it("keeps judges as pseudonyms, turning an e-mail address into one, and accepts rows without optional columns", async () => {
    const campaign = await createTestCampaign();
    const csv =
      "model_a,model_b,winner,judge\nalpha,beta,model_b,someone@example.org\nbeta,alpha,tie,plain-judge\nalpha,beta,tie (bothbad),\n";
    const summary = await importVotes(null, campaign.id, { path: file(csv, "csv"), format: "csv" });
    expect(summary).toMatchObject({ rows: 3, votesAdded: 3 });
    const votes = await db.vote.findMany({ where: { campaignId: campaign.id }, orderBy: { seq: "asc" } });
    expect(votes.map((v) => [v.outcome, v.winner])).toEqual([
      ["RIGHT", "MODEL_B"],
      ["TIE", "TIE"],
      ["BOTH_BAD", "TIE_BOTHBAD"],
    ]);
    expect(votes[0].judge).toMatch(/^judge_[0-9a-f]{12}$/);
    expect(JSON.stringify(votes, (_key, value) => (typeof value === "bigint" ? String(value) : value))).not.toContain(
      "someone@example.org",
    );
    expect(votes[1].judge).toBe("plain-judge");
    expect(votes[2].judge).toBe("anonymous");
    const audit = await db.auditEvent.findFirst({ where: { action: "votes.imported", subjectId: campaign.id } });
    expect(audit?.data).toMatchObject({ rows: 3, votesAdded: 3, format: "csv" });
  });
});

describe("what an import keeps and reports", () => {
  it("keeps each row's language, turn, category and style counts, adds its categories to the campaign's and counts the models it added", async () => {
    const campaign = await createTestCampaign();
    const name = (model: string) => `${model}-${campaign.id.slice(0, 8)}`;
    const styled = "# Title\n\n- one\n- two\n- three\n\n**bold**";
    const first = jsonl(
      good(1, {
        model_a: name("a"),
        model_b: name("b"),
        language: "ja",
        turn: 2,
        category: "math",
        conversation_a: [
          { role: "user", content: "# a question" },
          { role: "assistant", content: styled },
        ],
        conversation_b: [{ role: "assistant", content: "plain" }],
      }),
      good(2, { model_a: name("a"), model_b: name("c"), category: "writing" }),
    );
    expect(await importVotes(null, campaign.id, { path: file(first, "jsonl"), format: "jsonl" })).toMatchObject({
      votesAdded: 2,
      modelsAdded: 3,
    });
    const votes = await db.vote.findMany({ where: { campaignId: campaign.id }, orderBy: { seq: "asc" } });
    expect(votes.map((v) => [v.language, v.turn, v.category])).toEqual([
      ["ja", 2, "math"],
      [null, 1, "writing"],
    ]);
    // length, headers, lists, bold of the assistant's turns only.
    expect(votes[0].styleA).toEqual([styled.length, 1, 3, 1]);
    expect(votes[0].styleB).toEqual([5, 0, 0, 0]);
    expect([votes[1].styleA, votes[1].styleB]).toEqual([[], []]);
    expect((await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).voteCategories).toEqual(["math", "writing"]);

    const second = jsonl(good(3, { model_a: name("a"), model_b: name("d"), category: "art" }));
    expect(await importVotes(null, campaign.id, { path: file(second, "jsonl"), format: "jsonl" })).toMatchObject({
      votesAdded: 1,
      modelsAdded: 1,
    });
    expect((await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).voteCategories).toEqual(["art", "math", "writing"]);
  });

  it("lists the first 200 problems in line order, counts them all, and says how many in its message", async () => {
    const rejection = async (rows: object[]) => {
      const campaign = await createTestCampaign();
      const error: unknown = await importVotes(null, campaign.id, { path: file(jsonl(...rows), "jsonl"), format: "jsonl" }).catch((e) => e);
      if (!(error instanceof VoteImportRejected)) throw new Error("the file was accepted");
      return error;
    };
    const many = await rejection(Array.from({ length: 250 }, (_, i) => good(i, { winner: "nobody" })));
    expect(many.message).toBe("the file was rejected, nothing was saved (250 problems)");
    expect(many.total).toBe(250);
    expect(many.errors.map((e) => e.line)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const one = await rejection([good(1), good(2, { winner: "nobody" })]);
    expect(one.message).toBe("the file was rejected, nothing was saved (1 problem)");
    expect(one.errors).toEqual([{ line: 2, message: expect.stringMatching(/^unknown winner "nobody"/) }]);
  });
});

describe("Parquet row groups", () => {
  it("are capped before they are decoded: one declaring more rows or bytes than allowed is refused with its number", async () => {
    const { parquetWriteBuffer } = await import("hyparquet-writer");
    const { readRecords } = await import("./read-formats");
    const rows = Array.from({ length: 20 }, (_, i) => i);
    const path = file(
      Buffer.from(
        parquetWriteBuffer({
          columnData: [
            { name: "model_a", data: rows.map((i) => `a${i}`) },
            { name: "model_b", data: rows.map(() => "b") },
            { name: "winner", data: rows.map(() => "tie") },
          ],
          rowGroupSize: 10,
        }),
      ),
      "parquet",
    );
    const read = async (limits: { groupRows: number; groupBytes: number }) => {
      const records = [];
      for await (const item of readRecords(path, "parquet", limits)) records.push(item);
      return records;
    };
    expect(await read({ groupRows: 10, groupBytes: 1_000_000 })).toHaveLength(20);
    await expect(read({ groupRows: 9, groupBytes: 1_000_000 })).rejects.toThrow(
      "row group 1 declares 10 rows: at most 9 per group are read",
    );
    await expect(read({ groupRows: 10, groupBytes: 10 })).rejects.toThrow(
      /^row group 1 decodes to \d+ bytes: at most 10 per group are read$/,
    );
  });
});
