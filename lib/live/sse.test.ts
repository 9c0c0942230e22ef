import { describe, expect, it } from "vitest";
import { parseServerEvents } from "./sse";

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

  it("drops events without data and keeps text that only starts an event", () => {
    expect(parseServerEvents("event: delta\n\n")).toEqual({ events: [], rest: "" });
    expect(parseServerEvents("event: delta\ndata: {}\n")).toEqual({ events: [], rest: "event: delta\ndata: {}\n" });
  });
});
