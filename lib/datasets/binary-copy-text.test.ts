import { describe, expect, it } from "vitest";
import { textOfBinaryCopy } from "./binary-copy-text";

/** What PostgreSQL sends for a one-column binary COPY of `values` (null for a NULL). */
function binaryCopy(values: (string | null)[]): Buffer {
  const parts = [Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)];
  for (const value of values) {
    const head = Buffer.alloc(6);
    head.writeInt16BE(1, 0);
    if (value === null) {
      head.writeInt32BE(-1, 2);
      parts.push(head);
      continue;
    }
    const bytes = Buffer.from(value, "utf8");
    head.writeInt32BE(bytes.length, 2);
    parts.push(head, bytes);
  }
  const end = Buffer.alloc(2);
  end.writeInt16BE(-1, 0);
  return Buffer.concat([...parts, end]);
}

async function* inChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function text(chunks: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of textOfBinaryCopy(chunks)) parts.push(Buffer.from(part));
  return Buffer.concat(parts).toString("utf8");
}

describe("the JSON Lines export's binary COPY reader", () => {
  const values = ['{"a":"日本語"}\n', '{"b":1}\n', "\n", `{"long":"${"x".repeat(5000)}"}\n`, '{"c":"\\n"}\n'];

  it.each([1, 2, 5, 7, 19, 64, 4096, 1 << 20])("gives every value once, in order, in chunks of %i bytes", async (size) => {
    expect(await text(inChunks(binaryCopy(values), size))).toBe(values.join(""));
  });

  it("reads empty values, and ignores whatever follows COPY's end marker", async () => {
    expect(await text(inChunks(binaryCopy(["", "a\n", ""]), 3))).toBe("a\n");
    const trailing = Buffer.concat([binaryCopy(["a\n"]), Buffer.from("not part of the export")]);
    expect(await text(inChunks(trailing, 29))).toBe("a\n");
  });

  it("reads an export without rows", async () => {
    expect(await text(inChunks(binaryCopy([]), 3))).toBe("");
  });

  it("fails when the stream stops before COPY's end marker", async () => {
    const bytes = binaryCopy(values);
    await expect(text(inChunks(bytes.subarray(0, bytes.length - 2), 64))).rejects.toThrow(/ended early/);
    await expect(text(inChunks(bytes.subarray(0, 40), 64))).rejects.toThrow(/ended early/);
  });

  it("fails on a null row, a second column or a text COPY", async () => {
    await expect(text(inChunks(binaryCopy(["x\n", null]), 64))).rejects.toThrow(/null row/);
    const twoColumns = binaryCopy(["x\n"]);
    twoColumns.writeInt16BE(2, 19);
    await expect(text(inChunks(twoColumns, 64))).rejects.toThrow(/2 columns/);
    await expect(text(inChunks(Buffer.from("question_id,model_a\nq1,m\n".repeat(3)), 64))).rejects.toThrow(/not a binary COPY/);
    const withExtension = binaryCopy(["x\n"]);
    withExtension.writeUInt32BE(4, 15);
    await expect(text(inChunks(withExtension, 64))).rejects.toThrow(/not a binary COPY/);
    const otherSignature = binaryCopy(["x\n"]);
    otherSignature.write("NOTPG", 0, "latin1");
    await expect(text(inChunks(otherSignature, 64))).rejects.toThrow(/not a binary COPY/);
  });
});
