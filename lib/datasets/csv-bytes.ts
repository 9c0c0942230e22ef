/**
 * The export's CSV as PostgreSQL writes it, read straight from the bytes: records and field
 * boundaries are found without making a string per field (parsing strings made most of the
 * garbage, and the time, of the Parquet encoding).
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** Where each field of one record lies: bytes [start, end) of `source`, `quoted` if CSV quoted it. */
export class FieldSpans {
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly quoted: Uint8Array;

  constructor(readonly count: number) {
    this.start = new Int32Array(count);
    this.end = new Int32Array(count);
    this.quoted = new Uint8Array(count);
  }

  /** Finds the fields of the record in [from, to) (its newline excluded); a quoted field runs to the quote that is not doubled. */
  split(source: Buffer, from: number, to: number): void {
    let at = from;
    for (let field = 0; field < this.count; field++) {
      if (at < to && source[at] === QUOTE) {
        let i = at + 1;
        for (;;) {
          if (source[i] === QUOTE) {
            if (source[i + 1] === QUOTE) i += 2;
            else break;
          } else i++;
        }
        this.start[field] = at + 1;
        this.end[field] = i;
        this.quoted[field] = 1;
        at = i + 2; // the closing quote and the comma
      } else {
        let i = at;
        while (i < to && source[i] !== COMMA) i++;
        this.start[field] = at;
        this.end[field] = i;
        this.quoted[field] = 0;
        at = i + 1;
      }
    }
  }

  /** Field `k` as text, CSV's doubled quotes undone. */
  text(source: Buffer, k: number): string {
    const text = source.toString("utf8", this.start[k], this.end[k]);
    return this.quoted[k] ? text.replaceAll('""', '"') : text;
  }

  /** PostgreSQL writes NULL as an empty unquoted field (and nothing the export stores is empty text). */
  isEmpty(k: number): boolean {
    return this.start[k] === this.end[k];
  }
}

/** The records of one stretch of input: record r is bytes [starts[r], ends[r]) of `source`. */
export interface RecordBatch {
  source: Buffer;
  starts: number[];
  ends: number[];
}

/**
 * The data records of a CSV stream (header skipped), a batch per input chunk that completes at
 * least one. Records may span chunks: a newline ends one only outside quotes, which a running
 * count of quote characters tells without parsing; the chunks of an unfinished record are joined
 * once, when its end arrives.
 */
export async function* csvRecordBatches(csv: AsyncIterable<Uint8Array>): AsyncGenerator<RecordBatch> {
  let parts: Buffer[] = [];
  let partsLength = 0;
  let inQuotes = false;
  let header = true;
  for await (const raw of csv) {
    const chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const ends: number[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) inQuotes = !inQuotes;
      else if (byte === NEWLINE && !inQuotes) ends.push(partsLength + i);
    }
    if (ends.length === 0) {
      parts.push(Buffer.from(chunk));
      partsLength += chunk.length;
      continue;
    }
    const source = parts.length ? Buffer.concat([...parts, chunk]) : chunk;
    const starts: number[] = [];
    const recordEnds: number[] = [];
    for (let r = header ? 1 : 0; r < ends.length; r++) {
      starts.push(r === 0 ? 0 : ends[r - 1] + 1);
      recordEnds.push(ends[r]);
    }
    header = false;
    // Keep a copy of the unfinished record only: `source` may be the database's own buffer.
    const restStart = ends[ends.length - 1] + 1;
    parts = restStart < source.length ? [Buffer.from(source.subarray(restStart))] : [];
    partsLength = source.length - restStart;
    if (recordEnds.length) yield { source, starts, ends: recordEnds };
  }
  if (partsLength && !header) {
    const source = Buffer.concat(parts);
    yield { source, starts: [0], ends: [source.length] };
  }
}
