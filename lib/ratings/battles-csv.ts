import { InputError, parseCsv } from "@/lib/csv/read";
import { WINNERS, type Battle, type Winner } from "./types";

export interface ParsedBattles {
  battles: Battle[];
  /** Whether a tstamp column was present (then the battles are in tstamp order). */
  timeOrdered: boolean;
}

/**
 * Reads battles from CSV with columns model_a, model_b, winner and optional tstamp (any other
 * columns are ignored). Rows are returned in tstamp order when there is one (ties keep file
 * order), in file order otherwise. Rows whose optional identity_leak column is true (Hikaku's
 * exports mark votes whose answer revealed its model) are left out, as the leaderboard does.
 * Throws InputError naming the line of the first problem.
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
  const [ia, ib, iw, it, il] = [column("model_a"), column("model_b"), column("winner"), column("tstamp"), column("identity_leak")];

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
    if (il >= 0) {
      const leak = fields[il].trim().toLowerCase();
      if (leak === "true" || leak === "1") continue;
      if (leak !== "" && leak !== "false" && leak !== "0") throw new InputError(`identity_leak "${fields[il]}" is not true or false`, line);
    }
    let tstamp = 0;
    if (it >= 0) {
      const raw = fields[it].trim();
      tstamp = Number(raw);
      if (raw === "" || !Number.isFinite(tstamp)) {
        // A date, in the seconds a numeric tstamp counts (Chatbot Arena's logs): both kinds may mix.
        tstamp = Date.parse(raw) / 1000;
        if (!Number.isFinite(tstamp)) throw new InputError(`tstamp "${raw}" is neither a number nor a date`, line);
      }
    }
    rows.push({ battle: { modelA, modelB, winner: winner as Winner }, tstamp, order: r });
  }
  if (it >= 0) rows.sort((x, y) => x.tstamp - y.tstamp || x.order - y.order);
  return { battles: rows.map((row) => row.battle), timeOrdered: it >= 0 };
}
