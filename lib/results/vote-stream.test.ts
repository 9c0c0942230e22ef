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
  const models = Array.from({ length: 5 }, () => ({ id: randomUUID() }));
  // Two ids that share their first four bytes must still be told apart.
  models.push({ id: `${models[0].id.slice(0, 8)}-ffff-4fff-bfff-ffffffffffff` });
  const rows: [string, string, number][] = Array.from({ length: 300 }, (_, i) => [models[i % 6].id, models[(i * 7 + 1) % 6].id, i % 4]);
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
    const bytes = binaryCopy(rows.slice(0, 2));
    bytes.writeInt16BE(4, 19);
    await expect(readVoteStream(inChunks(bytes, 64), models, () => {})).rejects.toThrow(/unexpected row layout/);
  });
});
