import { parseCsv } from "@/lib/csv/read";

/** A CSV file's records as objects keyed by its header, for tests that check exported columns by name. */
export function csvObjects(text: string): Record<string, string>[] {
  const [header, ...records] = parseCsv(text);
  return records.map((record) => Object.fromEntries(header.fields.map((name, k) => [name, record.fields[k]])));
}
