import { createReadStream } from "node:fs";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { CsvReader, InputError } from "@/lib/csv/read";

/** One record of an input file, with the 1-based line (text formats) or row (Parquet) it came from. */
export interface SourceRecord {
  line: number;
  values: Record<string, unknown>;
}

export const IMPORT_FORMATS = ["csv", "jsonl", "parquet"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** A row this large is a broken file, not a vote: it is refused before it fills memory. */
export const MAX_ROW_CHARACTERS = 8_000_000;

export function formatFromName(name: string): ImportFormat | null {
  const lower = name.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json")) return "jsonl";
  if (lower.endsWith(".parquet")) return "parquet";
  return null;
}

/** A record that cannot be read at all (broken JSON, a CSV row with the wrong number of fields). */
export interface BadRecord {
  line: number;
  message: string;
}

type Yielded = { record: SourceRecord } | { bad: BadRecord };

async function* textChunks(path: string): AsyncGenerator<string> {
  // utf8 decoding in the stream keeps characters split across chunks whole.
  for await (const chunk of createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 })) yield chunk as string;
}

async function* readCsv(path: string): AsyncGenerator<Yielded> {
  const reader = new CsvReader(MAX_ROW_CHARACTERS);
  let header: string[] | null = null;
  const emit = function* (records: ReturnType<CsvReader["push"]>): Generator<Yielded> {
    for (const { fields, line } of records) {
      if (!header) {
        header = fields.map((name) => name.trim());
        continue;
      }
      if (fields.length !== header.length) {
        yield { bad: { line, message: `expected ${header.length} fields as in the header, found ${fields.length}` } };
        continue;
      }
      const values: Record<string, unknown> = {};
      header.forEach((name, i) => (values[name] = fields[i]));
      yield { record: { line, values } };
    }
  };
  for await (const chunk of textChunks(path)) yield* emit(reader.push(chunk));
  yield* emit(reader.end());
}

async function* readJsonLines(path: string): AsyncGenerator<Yielded> {
  let buffer = "";
  let line = 0;
  let first = true;
  const parseLine = (text: string): Yielded | null => {
    line++;
    const trimmed = text.endsWith("\r") ? text.slice(0, -1) : text;
    if (trimmed.trim() === "") return null;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      return { bad: { line, message: `not valid JSON (${error instanceof Error ? error.message : error})` } };
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) return { bad: { line, message: "expected a JSON object" } };
    return { record: { line, values: value as Record<string, unknown> } };
  };
  for await (let chunk of textChunks(path)) {
    if (first) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
    }
    buffer += chunk;
    let start = 0;
    for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n", start)) {
      const result = parseLine(buffer.slice(start, newline));
      start = newline + 1;
      if (result) yield result;
    }
    buffer = buffer.slice(start);
    if (buffer.length > MAX_ROW_CHARACTERS) {
      throw new InputError(`a line is longer than ${MAX_ROW_CHARACTERS / 1e6} million characters`, line + 1);
    }
  }
  if (buffer.length) {
    const result = parseLine(buffer);
    if (result) yield result;
  }
}

/**
 * A row group is decoded whole, so what one may hold is capped before it is decoded: a small file
 * can declare row groups that decode to gigabytes. Real vote datasets use far smaller groups
 * (Hikaku writes 10,000 rows; pandas and pyarrow about a million rows or 128 MB).
 */
export const MAX_PARQUET_GROUP_ROWS = 1_000_000;
export const MAX_PARQUET_GROUP_BYTES = 512 * 1024 * 1024;

export interface ParquetLimits {
  groupRows: number;
  groupBytes: number;
}

const PARQUET_LIMITS: ParquetLimits = { groupRows: MAX_PARQUET_GROUP_ROWS, groupBytes: MAX_PARQUET_GROUP_BYTES };

async function* readParquet(path: string, limits: ParquetLimits): AsyncGenerator<Yielded> {
  let file;
  try {
    file = await asyncBufferFromFile(path);
  } catch (error) {
    throw new InputError(`cannot open ${path}: ${error instanceof Error ? error.message : error}`);
  }
  let metadata;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new InputError(`not a Parquet file (${error instanceof Error ? error.message : error})`);
  }
  let rowStart = 0;
  // One row group at a time keeps memory to the size of a group.
  for (const [index, group] of metadata.row_groups.entries()) {
    const declaredRows = Number(group.num_rows);
    const declaredBytes = group.columns.reduce((sum, column) => sum + Number(column.meta_data?.total_uncompressed_size ?? 0), 0);
    if (!(declaredRows >= 0 && declaredRows <= limits.groupRows))
      throw new InputError(`row group ${index + 1} declares ${declaredRows} rows: at most ${limits.groupRows} per group are read`);
    if (!(declaredBytes >= 0 && declaredBytes <= limits.groupBytes))
      throw new InputError(`row group ${index + 1} decodes to ${declaredBytes} bytes: at most ${limits.groupBytes} per group are read`);
    const rowEnd = rowStart + declaredRows;
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    if (rows.length !== declaredRows)
      throw new InputError(`row group ${index + 1} holds ${rows.length} rows, not the ${declaredRows} it declares`);
    for (let i = 0; i < rows.length; i++) yield { record: { line: rowStart + i + 1, values: rows[i] } };
    rowStart = rowEnd;
  }
}

/** The records of a CSV (with header), JSON Lines or Parquet file, read as a stream. */
export function readRecords(path: string, format: ImportFormat, parquetLimits: ParquetLimits = PARQUET_LIMITS): AsyncGenerator<Yielded> {
  return format === "csv" ? readCsv(path) : format === "jsonl" ? readJsonLines(path) : readParquet(path, parquetLimits);
}
