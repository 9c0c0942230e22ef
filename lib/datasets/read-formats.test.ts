import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asyncBufferFromFile, parquetMetadataAsync } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { formatFromName, MAX_ROW_CHARACTERS, readRecords, type ImportFormat, type ParquetLimits } from "./read-formats";

/**
 * Reading an import file into records, before any row is checked: which line each record and
 * each unreadable record is reported at, and what is refused outright. No database.
 */

const dir = mkdtempSync(join(tmpdir(), "hikaku-read-formats-"));
let files = 0;

function file(content: string | ArrayBuffer, extension: string): string {
  const path = join(dir, `file-${++files}.${extension}`);
  writeFileSync(path, typeof content === "string" ? content : Buffer.from(content));
  return path;
}

async function read(path: string, format: ImportFormat, limits?: ParquetLimits): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of readRecords(path, format, limits)) out.push("record" in item ? item.record : { bad: item.bad });
  return out;
}

describe("the format of a file, from its name", () => {
  it.each([
    ["votes.csv", "csv"],
    ["VOTES.CSV", "csv"],
    ["votes.jsonl", "jsonl"],
    ["votes.NDJSON", "jsonl"],
    ["votes.json", "jsonl"],
    ["votes.Parquet", "parquet"],
    ["votes.csv.gz", null],
    ["csv", null],
    ["votes.txt", null],
  ])("%s → %s", (name, format) => {
    expect(formatFromName(name)).toBe(format);
  });
});

describe("CSV", () => {
  it("names fields by the trimmed header and reports a row with the wrong number of fields at its line", async () => {
    const path = file(" model_a ,model_b\r\nx,y\r\nonly one\nz,w\n", "csv");
    expect(await read(path, "csv")).toEqual([
      { line: 2, values: { model_a: "x", model_b: "y" } },
      { bad: { line: 3, message: "expected 2 fields as in the header, found 1" } },
      { line: 4, values: { model_a: "z", model_b: "w" } },
    ]);
  });
});

describe("JSON Lines", () => {
  it("skips blank lines but counts them, strips a byte-order mark and Windows line ends, and reads a last line without newline", async () => {
    const path = file('\ufeff{"a":1}\r\n\n   \n{"a":2}\r\n{"a":3}', "jsonl");
    expect(await read(path, "jsonl")).toEqual([
      { line: 1, values: { a: 1 } },
      { line: 4, values: { a: 2 } },
      { line: 5, values: { a: 3 } },
    ]);
  });

  it("counts an empty first line", async () => {
    expect(await read(file('\n{"a":1}\n{"a":2}\n', "jsonl"), "jsonl")).toEqual([
      { line: 2, values: { a: 1 } },
      { line: 3, values: { a: 2 } },
    ]);
  });

  it("reports a line that is not a JSON object at its number, and goes on", async () => {
    const path = file('[1]\nnull\n3\n"text"\n{"ok":true}\n{broken\n', "jsonl");
    const items = await read(path, "jsonl");
    expect(items.slice(0, 5)).toEqual([
      { bad: { line: 1, message: "expected a JSON object" } },
      { bad: { line: 2, message: "expected a JSON object" } },
      { bad: { line: 3, message: "expected a JSON object" } },
      { bad: { line: 4, message: "expected a JSON object" } },
      { line: 5, values: { ok: true } },
    ]);
    expect(items[5]).toEqual({ bad: { line: 6, message: expect.stringMatching(/^not valid JSON \(/) } });
    expect(items).toHaveLength(6);
  });

  it("reads lines longer than a read chunk whole, with the lines after them numbered right", async () => {
    const long = "é".repeat(1_500_000);
    const path = file(`{"a":"${long}"}\n{"a":"short"}\n`, "jsonl");
    const items = (await read(path, "jsonl")) as { line: number; values: { a: string } }[];
    expect(items.map((item) => [item.line, item.values.a.length])).toEqual([
      [1, long.length],
      [2, 5],
    ]);
  });

  it("refuses a line longer than the limit, naming the line", async () => {
    // The limit is checked between read chunks (1 MiB): a line is refused once it has grown past it.
    const path = file(`{"a":1}\n{"a":"${"x".repeat(MAX_ROW_CHARACTERS + (2 << 20))}"}\n`, "jsonl");
    await expect(read(path, "jsonl")).rejects.toThrow("line 2: a line is longer than 8 million characters");
  });
});

describe("Parquet", () => {
  const rows = Array.from({ length: 25 }, (_, i) => i);
  const parquet = () =>
    file(
      parquetWriteBuffer({
        columnData: [
          { name: "model_a", data: rows.map((i) => `a${i}`) },
          { name: "model_b", data: rows.map(() => "b") },
        ],
        rowGroupSize: 10,
      }),
      "parquet",
    );

  it("numbers rows across row groups from 1", async () => {
    const items = (await read(parquet(), "parquet")) as { line: number; values: { model_a: string } }[];
    expect(items.map((item) => `${item.line}:${item.values.model_a}`)).toEqual(rows.map((i) => `${i + 1}:a${i}`));
  });

  it("reads a group exactly at the limits, and names the first group over them", async () => {
    const path = parquet();
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
    const sizes = metadata.row_groups.map((group) =>
      group.columns.reduce((sum, column) => sum + Number(column.meta_data?.total_uncompressed_size), 0),
    );
    const bytes = Math.max(...sizes);
    expect(await read(path, "parquet", { groupRows: 10, groupBytes: bytes })).toHaveLength(25);
    // The first group over the limit is named, counting from 1 (here the second: its names are longer).
    const over = sizes.findIndex((size) => size > sizes[0]);
    expect(over).toBe(1);
    await expect(read(path, "parquet", { groupRows: 10, groupBytes: sizes[0] })).rejects.toThrow(
      `row group 2 decodes to ${sizes[1]} bytes: at most ${sizes[0]} per group are read`,
    );
    await expect(read(path, "parquet", { groupRows: 9, groupBytes: bytes })).rejects.toThrow(
      "row group 1 declares 10 rows: at most 9 per group are read",
    );
  });

  it("says when the file is missing or not Parquet", async () => {
    await expect(read(join(dir, "missing.parquet"), "parquet")).rejects.toThrow(/^cannot open .*missing\.parquet: /);
    await expect(read(file("model_a,model_b\n", "parquet"), "parquet")).rejects.toThrow(/^not a Parquet file \(/);
  });
});
