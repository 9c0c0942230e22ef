import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { SchemaElement } from "hyparquet";
import { CsvReader } from "@/lib/ratings/csv";
import { ARENA_COLUMNS, type Message } from "./arena-row";

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

/** How a CSV field becomes a Parquet value (empty fields are nulls: nothing stores empty text). */
const DECODE: Record<Column, (field: string) => unknown> = {
  question_id: (f) => f || null,
  model_a: (f) => f,
  model_b: (f) => f,
  winner: (f) => f,
  judge: (f) => f,
  conversation_a: (f) => (f ? (JSON.parse(f) as Message[]).map(({ content, role }) => ({ content, role })) : null),
  conversation_b: (f) => (f ? (JSON.parse(f) as Message[]).map(({ content, role }) => ({ content, role })) : null),
  turn: (f) => (f ? Number(f) : null),
  anony: (f) => f === "true",
  language: (f) => f || null,
  tstamp: (f) => Number(f),
  outcome: (f) => f,
  reason: (f) => f || null,
  corrected_answer: (f) => f || null,
  identity_leak: (f) => f === "true",
  duration_ms: (f) => (f ? Number(f) : null),
  category: (f) => f || null,
};

/** The data records of the export's CSV (header skipped), a chunk's worth at a time. */
async function* csvRecords(csv: AsyncIterable<Uint8Array>): AsyncGenerator<string[][]> {
  const decoder = new TextDecoder();
  const reader = new CsvReader();
  let header = true;
  const fieldsOf = (records: ReturnType<CsvReader["push"]>) => {
    const out = records.map((record) => record.fields);
    if (header && out.length) {
      header = false;
      out.shift();
    }
    return out;
  };
  for await (const chunk of csv) {
    const records = fieldsOf(reader.push(decoder.decode(chunk, { stream: true })));
    if (records.length) yield records;
  }
  const rest = fieldsOf(reader.end());
  if (rest.length) yield rest;
}

/** JSON string literals of the few distinct values of a column (models, judges, outcomes…), made once each. */
function memoQuote(): (field: string) => string {
  let cache = new Map<string, string>();
  return (field) => {
    let quoted = cache.get(field);
    if (quoted === undefined) {
      if (cache.size > 10_000) cache = new Map();
      quoted = JSON.stringify(field);
      cache.set(field, quoted);
    }
    return quoted;
  };
}

const nullable = (quote: (field: string) => string) => (field: string) => (field ? quote(field) : "null");

/** A CSV field as JSON text, by the column's type (empty fields are nulls: nothing stores empty text). */
const JSON_FIELD: Record<Column, (field: string) => string> = {
  question_id: (f) => (f ? JSON.stringify(f) : "null"),
  model_a: memoQuote(),
  model_b: memoQuote(),
  winner: memoQuote(),
  judge: memoQuote(),
  conversation_a: (f) => (f ? JSON.stringify(DECODE.conversation_a(f)) : "null"),
  conversation_b: (f) => (f ? JSON.stringify(DECODE.conversation_b(f)) : "null"),
  turn: (f) => f || "null",
  anony: (f) => (f === "true" ? "true" : "false"),
  language: nullable(memoQuote()),
  tstamp: (f) => String(Number(f)),
  outcome: memoQuote(),
  reason: (f) => (f ? JSON.stringify(f) : "null"),
  corrected_answer: (f) => (f ? JSON.stringify(f) : "null"),
  identity_leak: (f) => (f === "true" ? "true" : "false"),
  duration_ms: (f) => f || "null",
  category: nullable(memoQuote()),
};

const KEYS = ARENA_COLUMNS.map((name, i) => `${i === 0 ? "{" : ","}${JSON.stringify(name)}:`);
const utf8 = new TextEncoder();

/**
 * The export's CSV turned into JSON Lines, keys in column order. PostgreSQL writes CSV several
 * times faster than it builds JSON, and this conversion runs beside it on the other core.
 */
export async function* csvToJsonLines(csv: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const records of csvRecords(csv)) {
    let text = "";
    for (const fields of records) {
      for (let i = 0; i < KEYS.length; i++) text += KEYS[i] + JSON_FIELD[ARENA_COLUMNS[i]](fields[i]);
      text += "}\n";
    }
    yield utf8.encode(text);
  }
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
  for await (const records of csvRecords(csv)) {
    for (const fields of records) {
      for (let i = 0; i < ARENA_COLUMNS.length; i++) columns[i].push(DECODE[ARENA_COLUMNS[i]](fields[i]));
      if (columns[0].length >= ROW_GROUP) yield flush();
    }
  }
  if (columns[0].length) yield flush();
  void parquet.finish();
  yield take();
}
