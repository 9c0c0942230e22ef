import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { SchemaElement } from "hyparquet";
import { ARENA_COLUMNS, type ArenaRow, type Message } from "./arena-row";

export const EXPORT_FORMATS = ["csv", "jsonl", "parquet"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
  parquet: "application/vnd.apache.parquet",
};

/** Turns batches of rows into the bytes of one file: a start, each batch, an end. */
export interface DatasetEncoder {
  start(): Uint8Array;
  batch(rows: ArenaRow[]): Uint8Array;
  end(): Uint8Array;
}

const utf8 = new TextEncoder();

function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV (RFC 4180): conversations as JSON text, booleans as true/false, nulls as empty fields. */
function csvEncoder(): DatasetEncoder {
  return {
    start: () => utf8.encode(ARENA_COLUMNS.join(",") + "\n"),
    batch: (rows) => {
      let text = "";
      for (const row of rows) text += ARENA_COLUMNS.map((column) => csvField(row[column])).join(",") + "\n";
      return utf8.encode(text);
    },
    end: () => new Uint8Array(0),
  };
}

/** One JSON object per line, keys in column order. */
function jsonlEncoder(): DatasetEncoder {
  return {
    start: () => new Uint8Array(0),
    batch: (rows) => {
      let text = "";
      for (const row of rows) {
        const ordered: Record<string, unknown> = {};
        for (const column of ARENA_COLUMNS) ordered[column] = row[column];
        text += JSON.stringify(ordered) + "\n";
      }
      return utf8.encode(text);
    },
    end: () => new Uint8Array(0),
  };
}

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

const orderedMessages = (messages: Message[] | null) => messages?.map(({ content, role }) => ({ content, role })) ?? null;

/**
 * Parquet with real nested types for the conversations, one row group per batch; the bytes of
 * each row group are handed on as soon as it is written, so memory holds one batch at a time.
 */
function parquetEncoder(): DatasetEncoder {
  const writer = new ByteWriter(1 << 20);
  const parquet = new ParquetWriter({ writer, schema: PARQUET_SCHEMA, createdBy: "Hikaku", statistics: false });
  const take = () => {
    const bytes = writer.getBytes().slice();
    // ByteWriter keeps counting `offset` (file positions in the footer) while its buffer is reused.
    writer.index = 0;
    return bytes;
  };
  return {
    start: take,
    batch: (rows) => {
      const column = <K extends (typeof ARENA_COLUMNS)[number]>(name: K) => ({ name, data: rows.map((row) => row[name]) });
      void parquet.write({
        columnData: [
          column("question_id"),
          column("model_a"),
          column("model_b"),
          column("winner"),
          column("judge"),
          { name: "conversation_a", data: rows.map((row) => orderedMessages(row.conversation_a)) },
          { name: "conversation_b", data: rows.map((row) => orderedMessages(row.conversation_b)) },
          column("turn"),
          column("anony"),
          column("language"),
          column("tstamp"),
          column("outcome"),
          column("reason"),
          column("corrected_answer"),
          column("identity_leak"),
          column("duration_ms"),
          column("category"),
        ],
        rowGroupSize: rows.length,
      });
      return take();
    },
    end: () => {
      void parquet.finish();
      return take();
    },
  };
}

export function datasetEncoder(format: ExportFormat): DatasetEncoder {
  return format === "csv" ? csvEncoder() : format === "jsonl" ? jsonlEncoder() : parquetEncoder();
}

/**
 * The whole file as a stream of chunks from batches of rows. Pulling drives the database
 * cursor, so a slow reader slows the query instead of filling memory.
 */
export async function* encodeDataset(batches: AsyncIterable<ArenaRow[]>, format: ExportFormat, onRows?: (n: number) => void) {
  const encoder = datasetEncoder(format);
  yield encoder.start();
  let pending: ArenaRow[] = [];
  // Parquet readers do better with row groups of tens of thousands of rows than with tiny ones.
  const groupSize = format === "parquet" ? 20_000 : 1;
  for await (const rows of batches) {
    onRows?.(rows.length);
    if (groupSize === 1) {
      yield encoder.batch(rows);
      continue;
    }
    pending = pending.concat(rows);
    if (pending.length >= groupSize) {
      yield encoder.batch(pending);
      pending = [];
    }
  }
  if (pending.length) yield encoder.batch(pending);
  yield encoder.end();
}
