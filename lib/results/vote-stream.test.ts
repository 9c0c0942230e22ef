import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readVoteStream } from "./vote-stream";

/** What PostgreSQL sends for COPY (SELECT modelAId, modelBId, code::int2 …) TO STDOUT WITH (FORMAT binary). */
function binaryCopy(rows: [string, string, number][], extras: number[][] = []): Buffer {
  const parts = [Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)];
  for (const [i, [a, b, code]] of rows.entries()) {
    const extra = extras[i] ?? [];
    const tuple = Buffer.alloc(48 + 8 * extra.length);
    tuple.writeInt16BE(3 + extra.length, 0);
    extra.forEach((value, k) => {
      tuple.writeInt32BE(4, 48 + 8 * k);
      tuple.writeInt32BE(value, 52 + 8 * k);
    });
    tuple.writeInt32BE(16, 2);
    Buffer.from(a.replace(/-/g, ""), "hex").copy(tuple, 6);
    tuple.writeInt32BE(16, 22);
    Buffer.from(b.replace(/-/g, ""), "hex").copy(tuple, 26);
    tuple.writeInt32BE(2, 42);
    tuple.writeInt16BE(code, 46);
    parts.push(tuple);
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

async function* inChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe("the leaderboard's binary vote stream", () => {
  const models: { id: string }[] = Array.from({ length: 5 }, () => ({ id: randomUUID() }));
  // Two ids that share their first four bytes must still be told apart.
  models.push({ id: `${models[0].id.slice(0, 8)}-ffff-4fff-bfff-ffffffffffff` });
  // And ids that differ from another in one of the last three four-byte words only.
  const first = models[0].id;
  const other = (hex: string) => (hex === "ffff" ? "eeee" : "ffff");
  models.push({ id: `${first.slice(0, 9)}${other(first.slice(9, 13))}${first.slice(13)}` });
  models.push({ id: `${first.slice(0, 19)}${other(first.slice(19, 23))}${first.slice(23)}` });
  models.push({ id: `${first.slice(0, 28)}${other(first.slice(28, 32))}${first.slice(32)}` });
  const n = models.length;
  const rows: [string, string, number][] = Array.from({ length: 300 }, (_, i) => [models[i % n].id, models[(i * 7 + 1) % n].id, i % 4]);
  const expected = rows.map(([a, b, code]) => [models.findIndex((m) => m.id === a), models.findIndex((m) => m.id === b), code]);

  it.each([1, 2, 19, 47, 48, 49, 1000, 1 << 20])("gives every vote in order, whatever the chunk size (%i bytes)", async (size) => {
    const seen: number[][] = [];
    await readVoteStream(inChunks(binaryCopy(rows), size), models, (a, b, code) => seen.push([a, b, code]));
    expect(seen).toEqual(expected);
  });

  it.each([1, 7, 111, 112, 113, 4096])("gives each row's extra int4 columns too (%i-byte chunks)", async (size) => {
    const extras = rows.map((_, i) => Array.from({ length: 8 }, (_, k) => i * 10 + k - 40));
    const seen: number[][] = [];
    await readVoteStream(inChunks(binaryCopy(rows, extras), size), models, (a, b, code, extra) => seen.push([a, b, code, ...extra]), 8);
    expect(seen).toEqual(expected.map((row, i) => [...row, ...extras[i]]));
  });

  it("fails on a stream cut before COPY's end marker", async () => {
    const bytes = binaryCopy(rows);
    await expect(readVoteStream(inChunks(bytes.subarray(0, bytes.length - 2), 64), models, () => {})).rejects.toThrow(/ended early/);
  });

  it("fails on a model id that is not in the list", async () => {
    await expect(readVoteStream(inChunks(binaryCopy([[randomUUID(), models[1].id, 0]]), 64), models, () => {})).rejects.toThrow(
      /not in the model list/,
    );
  });

  it("fails on a row that is not two ids and a code", async () => {
    // The second row's field count, each id's length and the code's length, one at a time.
    for (const [at, value, write] of [
      [19 + 48, 4, "int16"],
      [19 + 2, 8, "int32"],
      [19 + 22, 8, "int32"],
      [19 + 42, 4, "int32"],
    ] as const) {
      const bytes = binaryCopy(rows.slice(0, 2));
      if (write === "int16") bytes.writeInt16BE(value, at);
      else bytes.writeInt32BE(value, at);
      await expect(
        readVoteStream(inChunks(bytes, 64), models, () => {}),
        `byte ${at}`,
      ).rejects.toThrow(/unexpected row layout/);
    }
  });

  it("fails on an extra column that is not an int4", async () => {
    const bytes = binaryCopy(rows.slice(0, 1), [[5, 6]]);
    // The second extra column's length: 8 bytes, a bigint.
    bytes.writeInt32BE(8, 19 + 48 + 8);
    await expect(readVoteStream(inChunks(bytes, 64), models, () => {}, 2)).rejects.toThrow(/unexpected row layout/);
  });

  it("fails on anything but binary COPY without a header extension", async () => {
    const text = Buffer.from(`${models[0].id}\t${models[1].id}\t1\n`.repeat(3));
    await expect(readVoteStream(inChunks(text, 64), models, () => {})).rejects.toThrow(/not a binary COPY/);
    const extended = binaryCopy(rows.slice(0, 2));
    extended.writeUInt32BE(4, 15);
    await expect(readVoteStream(inChunks(extended, 64), models, () => {})).rejects.toThrow(/not a binary COPY/);
    // Another signature before an otherwise well-formed header.
    const unsigned = binaryCopy(rows.slice(0, 2));
    unsigned.write("X", 0, "latin1");
    await expect(readVoteStream(inChunks(unsigned, 64), models, () => {})).rejects.toThrow(/not a binary COPY/);
  });
});
