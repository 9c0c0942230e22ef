import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { SchemaElement } from "hyparquet";
import { ARENA_COLUMNS, type Message } from "./arena-row";
import { csvRecordBatches, FieldSpans } from "./csv-bytes";

export const EXPORT_FORMATS = ["csv", "jsonl", "parquet"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
  parquet: "application/vnd.apache.parquet",
};

const string = (name: string): SchemaElement => ({ name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" });

/** list<struct<content: string, role: string>>, the layout of the public Chatbot Arena Parquet files. */
const conversationSchema = (name: string): SchemaElement[] => [
  { name, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  { name: "element", repetition_type: "OPTIONAL", num_children: 2 },
  string("content"),
  string("role"),
];

export const PARQUET_SCHEMA: SchemaElement[] = [
  { name: "schema", num_children: ARENA_COLUMNS.length },
  string("question_id"),
  string("model_a"),
  string("model_b"),
  string("winner"),
  string("judge"),
  ...conversationSchema("conversation_a"),
  ...conversationSchema("conversation_b"),
  { name: "turn", type: "INT32", repetition_type: "OPTIONAL" },
  { name: "anony", type: "BOOLEAN", repetition_type: "OPTIONAL" },
  string("language"),
  { name: "tstamp", type: "DOUBLE", repetition_type: "OPTIONAL" },
  string("outcome"),
  string("reason"),
  string("corrected_answer"),
  { name: "identity_leak", type: "BOOLEAN", repetition_type: "OPTIONAL" },
  { name: "duration_ms", type: "INT32", repetition_type: "OPTIONAL" },
  string("category"),
];

type Column = (typeof ARENA_COLUMNS)[number];
type Decode = (source: Buffer, fields: FieldSpans, k: number) => unknown;

/** One string object per distinct value of a column that repeats (models, judges, outcomes…), shared by all its rows. */
function interned({ nullable }: { nullable: boolean }): Decode {
  let seen = new Map<string, string>();
  return (source, fields, k) => {
    if (nullable && fields.isEmpty(k)) return null;
    const text = fields.text(source, k);
    let value = seen.get(text);
    if (value === undefined) {
      if (seen.size > 10_000) seen = new Map();
      seen.set(text, (value = text));
    }
    return value;
  };
}

const nullableText: Decode = (source, fields, k) => (fields.isEmpty(k) ? null : fields.text(source, k));

const nullableInteger: Decode = (source, fields, k) => {
  if (fields.isEmpty(k)) return null;
  let value = 0;
  let sign = 1;
  for (let i = fields.start[k]; i < fields.end[k]; i++) {
    if (source[i] === 0x2d) sign = -1;
    else value = value * 10 + (source[i] - 0x30);
  }
  return sign * value;
};

const boolean: Decode = (source, fields, k) => fields.end[k] - fields.start[k] === 4 && source[fields.start[k]] === 0x74;

const conversation: Decode = (source, fields, k) =>
  fields.isEmpty(k) ? null : (JSON.parse(fields.text(source, k)) as Message[]).map(({ content, role }) => ({ content, role }));

/** How each CSV field becomes a Parquet value (empty fields are nulls: nothing stores empty text). */
function parquetDecoders(): Record<Column, Decode> {
  return {
    question_id: interned({ nullable: true }),
    model_a: interned({ nullable: false }),
    model_b: interned({ nullable: false }),
    winner: interned({ nullable: false }),
    judge: interned({ nullable: false }),
    conversation_a: conversation,
    conversation_b: conversation,
    turn: nullableInteger,
    anony: boolean,
    language: interned({ nullable: true }),
    tstamp: (source, fields, k) => Number(source.toString("latin1", fields.start[k], fields.end[k])),
    outcome: interned({ nullable: false }),
    reason: nullableText,
    corrected_answer: nullableText,
    identity_leak: boolean,
    duration_ms: nullableInteger,
    category: interned({ nullable: true }),
  };
}

/** Parquet readers do better with row groups of tens of thousands of rows than with tiny ones. */
const ROW_GROUP = 10_000;

/**
 * The export's CSV (header first, columns in ARENA_COLUMNS order) turned into Parquet with real
 * nested types for the conversations, one row group at a time: rows go straight into column
 * arrays, and each group's bytes are handed on as soon as it is written.
 */
export async function* csvToParquet(csv: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const writer = new ByteWriter(1 << 20);
  const parquet = new ParquetWriter({ writer, schema: PARQUET_SCHEMA, createdBy: "Hikaku", statistics: false });
  const take = () => {
    const bytes = writer.getBytes().slice();
    // ByteWriter keeps counting `offset` (file positions in the footer) while its buffer is reused.
    writer.index = 0;
    return bytes;
  };
  let columns: unknown[][] = ARENA_COLUMNS.map(() => []);
  const flush = () => {
    void parquet.write({ columnData: ARENA_COLUMNS.map((name, i) => ({ name, data: columns[i] })), rowGroupSize: columns[0].length });
    columns = ARENA_COLUMNS.map(() => []);
    return take();
  };
  yield take();
  const byColumn = parquetDecoders();
  const decoders = ARENA_COLUMNS.map((name) => byColumn[name]);
  const fields = new FieldSpans(ARENA_COLUMNS.length);
  for await (const { source, starts, ends } of csvRecordBatches(csv)) {
    for (let r = 0; r < starts.length; r++) {
      fields.split(source, starts[r], ends[r]);
      for (let k = 0; k < decoders.length; k++) columns[k].push(decoders[k](source, fields, k));
      if (columns[0].length >= ROW_GROUP) yield flush();
    }
  }
  if (columns[0].length) yield flush();
  void parquet.finish();
  yield take();
}
