import { WINNERS, type Battle, type Winner } from "./types";

/** A problem with an input file, with the 1-based line it was found on. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

/**
 * Splits CSV text (RFC 4180: quoted fields may hold commas, quotes and newlines) into records,
 * each with the line number it starts on. A leading byte-order mark is ignored.
 */
export function parseCsv(text: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === "" && !fieldStarted)) records.push({ fields, line: recordLine });
    fields = [];
    field = "";
    fieldStarted = false;
  };
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
    } else if (ch === '"') {
      if (field !== "") throw new InputError('a quote (") inside an unquoted field', line);
      quoted = true;
      fieldStarted = true;
    } else if (ch === ",") {
      fields.push(field);
      field = "";
      fieldStarted = true;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
    }
  }
  if (quoted) throw new InputError("a quoted field is not closed", recordLine);
  if (field !== "" || fields.length > 0 || fieldStarted) endRecord();
  return records;
}

export interface ParsedBattles {
  battles: Battle[];
  /** Whether a tstamp column was present (then the battles are in tstamp order). */
  timeOrdered: boolean;
}

/**
 * Reads battles from CSV with columns model_a, model_b, winner and optional tstamp (any other
 * columns are ignored). Rows are returned in tstamp order when there is one (ties keep file
 * order), in file order otherwise. Throws InputError naming the line of the first problem.
 */
export function parseBattlesCsv(text: string): ParsedBattles {
  const records = parseCsv(text);
  if (records.length === 0) throw new InputError("the file is empty: expected a header with model_a, model_b, winner");
  const header = records[0].fields.map((name) => name.trim());
  const column = (name: string) => header.indexOf(name);
  const missing = ["model_a", "model_b", "winner"].filter((name) => column(name) < 0);
  if (missing.length)
    throw new InputError(
      `missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (the header has: ${header.join(", ")})`,
      records[0].line,
    );
  if (records.length === 1) throw new InputError("the file has a header but no battles", records[0].line);
  const [ia, ib, iw, it] = [column("model_a"), column("model_b"), column("winner"), column("tstamp")];

  const rows: { battle: Battle; tstamp: number; order: number }[] = [];
  for (let r = 1; r < records.length; r++) {
    const { fields, line } = records[r];
    if (fields.length !== header.length) throw new InputError(`expected ${header.length} fields, found ${fields.length}`, line);
    const modelA = fields[ia].trim();
    const modelB = fields[ib].trim();
    const winner = fields[iw].trim();
    if (!modelA || !modelB) throw new InputError("model_a and model_b must not be empty", line);
    if (modelA === modelB) throw new InputError(`model_a and model_b are the same model (${modelA})`, line);
    if (!(WINNERS as readonly string[]).includes(winner)) {
      throw new InputError(`unknown winner "${winner}" (expected one of: ${WINNERS.join(" | ")})`, line);
    }
    let tstamp = 0;
    if (it >= 0) {
      const raw = fields[it].trim();
      tstamp = Number(raw);
      if (raw === "" || !Number.isFinite(tstamp)) {
        tstamp = Date.parse(raw);
        if (!Number.isFinite(tstamp)) throw new InputError(`tstamp "${raw}" is neither a number nor a date`, line);
      }
    }
    rows.push({ battle: { modelA, modelB, winner: winner as Winner }, tstamp, order: r });
  }
  if (it >= 0) rows.sort((x, y) => x.tstamp - y.tstamp || x.order - y.order);
  return { battles: rows.map((row) => row.battle), timeOrdered: it >= 0 };
}
