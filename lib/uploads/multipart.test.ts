import { describe, expect, it } from "vitest";
import { readMultipartFiles } from "./multipart";

const BOUNDARY = "----hikaku-test-boundary";

function multipart(parts: { field: string; filename: string; content: string }[]): string {
  return (
    parts
      .map(
        (p) =>
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.field}"; filename="${p.filename}"\r\nContent-Type: text/plain\r\n\r\n${p.content}\r\n`,
      )
      .join("") + `--${BOUNDARY}--\r\n`
  );
}

function request(body: BodyInit | ReadableStream<Uint8Array>, headers: Record<string, string> = {}): Request {
  return new Request("http://localhost/upload", {
    method: "POST",
    body,
    headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
    // @ts-expect-error Node's fetch needs this for a streamed body
    duplex: "half",
  });
}

describe("a multipart upload read as it streams", () => {
  it("gives every file part with its field and name, decoded once", async () => {
    const body = multipart([
      { field: "questions", filename: "question.jsonl", content: '{"question_id": 1}\n' },
      { field: "answers", filename: "a.jsonl", content: "日本語の回答\n" },
      { field: "answers", filename: "b.jsonl", content: "second" },
    ]);
    const result = await readMultipartFiles(request(body), 1024 * 1024);
    expect(result).toEqual({
      ok: true,
      files: [
        { field: "questions", name: "question.jsonl", content: '{"question_id": 1}\n' },
        { field: "answers", name: "a.jsonl", content: "日本語の回答\n" },
        { field: "answers", name: "b.jsonl", content: "second" },
      ],
    });
  });

  it("refuses a declared size over the limit before reading anything", async () => {
    const result = await readMultipartFiles(
      request(multipart([{ field: "file", filename: "x", content: "x" }]), { "content-length": "999999999" }),
      1000,
    );
    expect(result).toMatchObject({ ok: false, status: 413 });
  });

  it("cuts off a body that lies about its size, or has none, at the limit without reading the rest", async () => {
    const limit = 64 * 1024;
    let produced = 0;
    const endless = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(
          new TextEncoder().encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.jsonl"\r\n\r\n`),
        );
      },
      pull(controller) {
        produced += 16 * 1024;
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x61));
      },
    });
    const result = await readMultipartFiles(request(endless, { "content-length": "100" }), limit);
    expect(result).toMatchObject({ ok: false, status: 413 });
    // Reading stopped near the limit (a few chunks of read-ahead at most), not at the end of an endless body.
    expect(produced).toBeLessThan(limit + 256 * 1024);
  });

  it("refuses something that is not a multipart form", async () => {
    const result = await readMultipartFiles(
      new Request("http://localhost/upload", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }),
      1000,
    );
    expect(result).toMatchObject({ ok: false, status: 400 });
  });
});
