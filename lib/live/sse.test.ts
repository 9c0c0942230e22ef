import { describe, expect, it } from "vitest";
import { parseServerEvents, readServerEvents } from "./sse";

describe("parseServerEvents", () => {
  it("splits named events, joins data lines and keeps an unfinished event for later", () => {
    const { events, rest } = parseServerEvents(
      ': open\n\nevent: delta\ndata: {"side":"left","text":"a"}\n\nevent: ready\ndata: line one\ndata: line two\n\nevent: delta\ndata: {"si',
    );
    expect(events).toEqual([
      { type: "delta", data: '{"side":"left","text":"a"}' },
      { type: "ready", data: "line one\nline two" },
    ]);
    expect(rest).toBe('event: delta\ndata: {"si');
    // The rest, completed by the next chunk, is one event.
    expect(parseServerEvents(`${rest}de":"right","text":"b"}\n\n`)).toEqual({
      events: [{ type: "delta", data: '{"side":"right","text":"b"}' }],
      rest: "",
    });
  });

  it("reads CRLF line ends, unnamed events and values without the optional space", () => {
    expect(parseServerEvents("data:x\r\n\r\nevent:void\r\ndata: {}\r\n\r\n: keepalive\r\n\r\n").events).toEqual([
      { type: "message", data: "x" },
      { type: "void", data: "{}" },
    ]);
  });

  it("reads lines ended by a lone \\r, and removes only the one space after the colon", () => {
    expect(parseServerEvents("event: delta\rdata: a b\r\rdata:x y\n\n").events).toEqual([
      { type: "delta", data: "a b" },
      { type: "message", data: "x y" },
    ]);
  });

  it("drops events without data and keeps text that only starts an event", () => {
    expect(parseServerEvents("event: delta\n\n")).toEqual({ events: [], rest: "" });
    expect(parseServerEvents("event: delta\ndata: {}\n")).toEqual({ events: [], rest: "event: delta\ndata: {}\n" });
  });

  it("keeps a chunk's last \\r back: a \\r\\n split between chunks is one line end, not a blank line", () => {
    const first = parseServerEvents("data: one\r");
    expect(first).toEqual({ events: [], rest: "data: one\r" });
    expect(parseServerEvents(`${first.rest}\ndata: two\r\n\r\n`).events).toEqual([{ type: "message", data: "one\ntwo" }]);
  });
});

function streamOf(chunks: string[], onCancel?: () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(encoder.encode(chunks[next++]));
      else controller.close();
    },
    cancel: onCancel,
  });
}

async function readAll(body: ReadableStream<Uint8Array>) {
  const events = [];
  for await (const event of readServerEvents(body)) events.push(event);
  return events;
}

describe("readServerEvents", () => {
  it("reads events across chunk boundaries, inside a line, a line end or a multi-byte character", async () => {
    const bytes = new TextEncoder().encode('event: delta\r\ndata: {"text":"日本"}\r\n\r\ndata: [DONE]\r\n\r\n');
    const chunks = [bytes.slice(0, 9), bytes.slice(9, 13), bytes.slice(13, 30), bytes.slice(30, 40), bytes.slice(40)];
    let next = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (next < chunks.length) controller.enqueue(chunks[next++]);
        else controller.close();
      },
    });
    expect(await readAll(body)).toEqual([
      { type: "delta", data: '{"text":"日本"}' },
      { type: "message", data: "[DONE]" },
    ]);
  });

  it("reads a \\r line end at the end of one chunk before a line that does not start with \\n", async () => {
    expect(await readAll(streamOf(["data: one\r", "data: two\r\r"]))).toEqual([{ type: "message", data: "one\ntwo" }]);
  });

  it("yields an event ended by lone \\r line ends as soon as it is complete, not when the stream ends", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (pulls++ === 0) return controller.enqueue(new TextEncoder().encode("data: one\r\rdata: t"));
        await held;
        controller.close();
      },
    });
    const events = readServerEvents(body);
    const first = await Promise.race([events.next(), new Promise((resolve) => setTimeout(() => resolve("still waiting"), 2000))]);
    release();
    expect(first).toEqual({ done: false, value: { type: "message", data: "one" } });
    expect(await events.next()).toEqual({ done: false, value: { type: "message", data: "t" } });
  });

  it("reads a last event the stream ends without closing", async () => {
    expect(await readAll(streamOf(["data: a\n\n", "data: b"]))).toEqual([
      { type: "message", data: "a" },
      { type: "message", data: "b" },
    ]);
  });

  it("cancels the stream when the reader stops early", async () => {
    let cancelled = false;
    const body = streamOf(["data: a\n\n", "data: b\n\n", "data: c\n\n"], () => {
      cancelled = true;
    });
    for await (const event of readServerEvents(body)) if (event.data === "a") break;
    expect(cancelled).toBe(true);
  });
});
