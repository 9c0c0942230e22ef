/**
 * Writing CSV that people open in spreadsheets. A text cell that starts with `=`, `+`, `-`, `@`, a
 * tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets (`=HYPERLINK(…)`
 * from an annotator's reason would run in a researcher's spreadsheet), so it is written with a
 * leading `'` (OWASP's rule for CSV injection); numbers are written as numbers. JSON Lines and
 * Parquet keep every value as it is.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text value made safe to open in a spreadsheet. */
export function spreadsheetSafe(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One CSV cell: null is empty, numbers as they are, text made spreadsheet-safe and quoted where needed. */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = spreadsheetSafe(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: (string | number | null)[]): string {
  return values.map(csvCell).join(",");
}

/**
 * The same rule in SQL, for exports PostgreSQL writes itself (COPY … CSV): `expression` becomes
 * text, evaluated once (an anchored pattern, checked on the first character only).
 */
export function spreadsheetSafeSql(expression: string): string {
  return `regexp_replace((${expression})::text, E'^[=+@\\t\\r-]', E'\\'\\\\&')`;
}
