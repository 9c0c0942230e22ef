/** A problem with an input file, with the 1-based line it was found on. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

export interface CsvRecord {
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
}

const SPECIAL = /[",\r\n]/g;

/**
 * An incremental RFC 4180 reader (quoted fields may hold commas, quotes and newlines; CRLF, LF
 * and CR end records; a leading byte-order mark is ignored; blank lines are skipped). Feed it
 * text as it arrives; each call returns the records completed so far with their start lines.
 * Unquoted fields are cut out with one search per field instead of character by character.
 */
export class CsvReader {
  private buffer = "";
  private line = 1;
  private started = false;

  constructor(private readonly maxRecordLength = Infinity) {}

  push(text: string): CsvRecord[] {
    this.buffer += text;
    return this.parse(false);
  }

  end(): CsvRecord[] {
    return this.parse(true);
  }

  private parse(final: boolean): CsvRecord[] {
    let text = this.buffer;
    if (!this.started && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.started = true;
    }
    const records: CsvRecord[] = [];
    let position = 0;
    let line = this.line;
    while (position < text.length) {
      const result = readRecord(text, position, line, final);
      if (!result) break;
      if (result.fields) records.push({ fields: result.fields, line });
      position = result.next;
      line = result.line;
    }
    this.buffer = text.slice(position);
    this.line = line;
    if (this.buffer.length > this.maxRecordLength) {
      throw new InputError(`a record is longer than ${Math.round(this.maxRecordLength / 1e6)} MB`, line);
    }
    if (final && this.buffer.length > 0) throw new InputError("a quoted field is not closed", line);
    return records;
  }
}

/**
 * One record from `start`, or null when the text ends inside it (more input may complete it).
 * `fields` is null for a blank line.
 */
function readRecord(
  text: string,
  start: number,
  startLine: number,
  final: boolean,
): { fields: string[] | null; next: number; line: number } | null {
  const fields: string[] = [];
  let position = start;
  let line = startLine;
  let quotedAny = false;
  for (;;) {
    let field: string;
    if (text.charCodeAt(position) === 34 /* " */) {
      quotedAny = true;
      let value = "";
      let from = position + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) {
          if (final) throw new InputError("a quoted field is not closed", startLine);
          return null;
        }
        if (text.charCodeAt(quote + 1) === 34) {
          value += text.slice(from, quote + 1);
          from = quote + 2;
          continue;
        }
        if (quote + 1 === text.length && !final) return null;
        value += text.slice(from, quote);
        position = quote + 1;
        break;
      }
      for (let i = value.indexOf("\n"); i >= 0; i = value.indexOf("\n", i + 1)) line++;
      field = value;
      const after = text.charCodeAt(position);
      if (position < text.length && after !== 44 && after !== 13 && after !== 10) {
        throw new InputError("unexpected text after a closing quote", line);
      }
    } else {
      SPECIAL.lastIndex = position;
      const match = SPECIAL.exec(text);
      const stop = match ? match.index : text.length;
      if (match && match[0] === '"') throw new InputError('a quote (") inside an unquoted field', line);
      field = text.slice(position, stop);
      position = stop;
    }
    fields.push(field);
    if (position >= text.length) {
      if (!final) return null;
      return { fields, next: position, line };
    }
    const separator = text.charCodeAt(position);
    if (separator === 44 /* , */) {
      position++;
      continue;
    }
    // End of record: \r\n, \n or \r. A \r at the very end of a chunk may be half of \r\n.
    if (separator === 13 && position + 1 === text.length && !final) return null;
    position += separator === 13 && text.charCodeAt(position + 1) === 10 ? 2 : 1;
    line++;
    const blank = fields.length === 1 && fields[0] === "" && !quotedAny;
    return { fields: blank ? null : fields, next: position, line };
  }
}

/** All records of a CSV text (see CsvReader). */
export function parseCsv(text: string): CsvRecord[] {
  const reader = new CsvReader();
  const records = reader.push(text);
  for (const record of reader.end()) records.push(record);
  return records;
}
