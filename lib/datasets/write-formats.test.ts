import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet";
import { describe, expect, it } from "vitest";
import { ARENA_COLUMNS } from "./arena-row";
import { csvRecordBatches, FieldSpans } from "./csv-bytes";
import { csvToParquet } from "./write-formats";

/**
 * The CSV → Parquet encoding in this thread (the export runs it in a worker, where neither
 * coverage nor mutation testing sees it): records split across chunks, CSV quoting, nulls and
 * each column's type, as a reader of the exported file would find them.
 */

async function* inChunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, "utf8");
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** Each record of the stream as the text of its fields. */
async function records(text: string, chunkSize: number, fieldCount: number): Promise<string[][]> {
  const fields = new FieldSpans(fieldCount);
  const out: string[][] = [];
  for await (const { source, starts, ends } of csvRecordBatches(inChunks(text, chunkSize))) {
    for (let r = 0; r < starts.length; r++) {
      fields.split(source, starts[r], ends[r]);
      out.push(Array.from({ length: fieldCount }, (_, k) => (fields.isEmpty(k) ? "∅" : fields.text(source, k))));
    }
  }
  return out;
}

describe("the export's CSV read from its bytes", () => {
  const csv = 'a,b,c\n1,"x, ""quoted""\nline",3\n,"",é\nlast,no,newline';
  const expected = [
    ["1", 'x, "quoted"\nline', "3"],
    ["∅", "∅", "é"],
    ["last", "no", "newline"],
  ];

  it.each([1, 2, 3, 7, 1000])("finds the same records and fields whatever the chunk size (%i bytes)", async (size) => {
    expect(await records(csv, size, 3)).toEqual(expected);
  });

  it("skips the header even when it spans chunks, and ends with a final newline without an empty record", async () => {
    expect(await records("first,second\nx,y\n", 4, 2)).toEqual([["x", "y"]]);
    expect(await records("first,second\n", 5, 2)).toEqual([]);
    expect(await records("only a header without newline", 5, 1)).toEqual([]);
  });

  it("yields a batch only when a record completes, each source holding its records", async () => {
    const batches: string[][] = [];
    for await (const { source, starts, ends } of csvRecordBatches(inChunks("h\nab\ncd\nef", 3))) {
      batches.push(starts.map((start, r) => source.toString("utf8", start, ends[r])));
    }
    expect(batches).toEqual([["ab"], ["cd"], ["ef"]]);
  });
});

/** A CSV field as PostgreSQL writes it: quoted when it holds a quote, comma or line break. */
function field(value: string | null): string {
  if (value === null) return "";
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

type Row = Record<(typeof ARENA_COLUMNS)[number], string | null>;

function row(i: number, overrides: Partial<Row> = {}): Row {
  return {
    question_id: `q${i}`,
    model_a: i % 2 ? "alpha" : "beta",
    model_b: "gamma",
    winner: "model_a",
    judge: "judge_1",
    conversation_a: JSON.stringify([
      { role: "user", content: `question ${i}` },
      { role: "assistant", content: `answer, "a" ${i}` },
    ]),
    conversation_b: JSON.stringify([{ role: "user", content: `question ${i}` }]),
    turn: String(i),
    anony: "true",
    language: "ja",
    tstamp: "1733450000.125",
    outcome: "left",
    reason: `reason ${i}`,
    corrected_answer: null,
    identity_leak: "false",
    duration_ms: "1500",
    category: "writing",
    ...overrides,
  };
}

const csvOf = (rows: Row[]) =>
  [ARENA_COLUMNS.join(","), ...rows.map((r) => ARENA_COLUMNS.map((c) => field(r[c])).join(","))].join("\n") + "\n";

async function parquetOf(csv: string, chunkSize: number): Promise<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  for await (const part of csvToParquet(inChunks(csv, chunkSize))) parts.push(part);
  const bytes = Buffer.concat(parts);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

describe("Parquet written from the export's CSV", () => {
  it("keeps every column's value and type, with nulls where the CSV field is empty", async () => {
    const rows = [
      row(1),
      row(2, {
        question_id: null,
        conversation_b: null,
        turn: "-3",
        anony: "false",
        language: null,
        reason: 'line one\nline "two", three',
        corrected_answer: "better",
        identity_leak: "true",
        duration_ms: null,
        category: null,
      }),
    ];
    const file = await parquetOf(csvOf(rows), 64);
    const read = await parquetReadObjects({ file });
    expect(read).toEqual([
      {
        question_id: "q1",
        model_a: "alpha",
        model_b: "gamma",
        winner: "model_a",
        judge: "judge_1",
        conversation_a: [
          { role: "user", content: "question 1" },
          { role: "assistant", content: 'answer, "a" 1' },
        ],
        conversation_b: [{ role: "user", content: "question 1" }],
        turn: 1,
        anony: true,
        language: "ja",
        tstamp: 1733450000.125,
        outcome: "left",
        reason: "reason 1",
        corrected_answer: null,
        identity_leak: false,
        duration_ms: 1500,
        category: "writing",
      },
      {
        question_id: null,
        model_a: "beta",
        model_b: "gamma",
        winner: "model_a",
        judge: "judge_1",
        conversation_a: [
          { role: "user", content: "question 2" },
          { role: "assistant", content: 'answer, "a" 2' },
        ],
        // hyparquet reads a null list as undefined.
        conversation_b: undefined,
        turn: -3,
        anony: false,
        language: null,
        tstamp: 1733450000.125,
        outcome: "left",
        reason: 'line one\nline "two", three',
        corrected_answer: "better",
        identity_leak: true,
        duration_ms: null,
        category: null,
      },
    ]);
  });

  it("writes row groups of 10,000 rows and a last, smaller one", async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => row(i));
    const file = await parquetOf(csvOf(rows), 1 << 16);
    const metadata = parquetMetadata(file);
    expect(metadata.row_groups.map((group) => Number(group.num_rows))).toEqual([10_000, 1]);
    const read = await parquetReadObjects({ file, columns: ["question_id", "turn", "model_a"], rowStart: 9_999, rowEnd: 10_001 });
    expect(read).toEqual([
      { question_id: "q9999", turn: 9999, model_a: "alpha" },
      { question_id: "q10000", turn: 10000, model_a: "beta" },
    ]);
  });

  it("writes a valid file with no rows, and no empty row group, for an export with only its header", async () => {
    const file = await parquetOf(`${ARENA_COLUMNS.join(",")}\n`, 16);
    expect(Number(parquetMetadata(file).num_rows)).toBe(0);
    expect(parquetMetadata(file).row_groups).toEqual([]);
    expect(await parquetReadObjects({ file })).toEqual([]);
  });

  it("names the file's writer and lays conversations out as the public Chatbot Arena files do", async () => {
    const metadata = parquetMetadata(await parquetOf(csvOf([row(1)]), 1 << 10));
    expect(metadata.created_by).toBe("Hikaku");
    const schema = parquetSchema(metadata);
    expect(schema.element.name).toBe("schema");
    const conversation = schema.children.find((child) => child.element.name === "conversation_a")!;
    expect(conversation.children.map((child) => child.element.name)).toEqual(["list"]);
    expect(conversation.children[0].children.map((child) => child.element.name)).toEqual(["element"]);
  });
});
