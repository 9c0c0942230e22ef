import { AsyncLocalStorage } from "node:async_hooks";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger, noteRequestUser, readableLines, type RequestContext } from "./log";
import { observeRequest } from "./metrics/routes";

/** A destination that keeps what the logger writes. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  return { stream, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), lines };
}

const shared = globalThis as unknown as { hikakuRequestContext?: AsyncLocalStorage<RequestContext>; hikakuLogger?: unknown };

afterEach(() => {
  delete shared.hikakuRequestContext;
  delete shared.hikakuLogger;
});

describe("the log", () => {
  it("writes one JSON object per line with level, time and message, and blanks secrets and texts", () => {
    const out = capture();
    const logger = createLogger(out.stream, "info");
    logger.info(
      { campaignId: "c1", password: "hunter2-hunter2", apiKey: "sk-secret", headers: { authorization: "Bearer t", cookie: "s=1" } },
      "did a thing",
    );
    logger.warn({ vote: { prompt: "private question", answer: "private answer", token: "hkw_x" } }, "careful");
    logger.debug("not at info");
    const [first, second] = out.records();
    expect(out.lines).toHaveLength(2);
    expect(first).toMatchObject({ level: 30, msg: "did a thing", campaignId: "c1", password: "[redacted]", apiKey: "[redacted]" });
    expect(first.headers).toEqual({ authorization: "[redacted]", cookie: "[redacted]" });
    expect(new Date(String(first.time)).toISOString()).toBe(first.time);
    expect(second).toMatchObject({ level: 40, vote: { prompt: "[redacted]", answer: "[redacted]", token: "[redacted]" } });
    expect(out.lines.join("\n")).not.toMatch(/hunter2|sk-secret|private|hkw_x|Bearer t/);
  });

  it("carries the request's id and, once authentication knows it, its user", () => {
    const out = capture();
    const logger = createLogger(out.stream, "info");
    shared.hikakuRequestContext = new AsyncLocalStorage<RequestContext>();
    shared.hikakuRequestContext.run({ requestId: "req-1234" }, () => {
      logger.info("before sign-in");
      noteRequestUser("user-42");
      logger.info("after sign-in");
    });
    logger.info("outside any request");
    noteRequestUser("nobody");
    expect(out.records().map((r) => [r.msg, r.requestId, r.userId])).toEqual([
      ["before sign-in", "req-1234", undefined],
      ["after sign-in", "req-1234", "user-42"],
      ["outside any request", undefined, undefined],
    ]);
  });

  it("logs each answered request with its route pattern, status and duration, never its URL", () => {
    const out = capture();
    shared.hikakuLogger = createLogger(out.stream, "info");
    shared.hikakuRequestContext = new AsyncLocalStorage<RequestContext>();
    shared.hikakuRequestContext.run({ requestId: "req-5678", userId: "user-7" }, () => {
      observeRequest("/api/v1/votes?secret=1", "POST", 201, 0.0123);
      // Probes only at debug level.
      observeRequest("/api/health", "GET", 200, 0.001);
    });
    const records = out.records();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      msg: "request",
      method: "POST",
      status: 201,
      durationMs: 12.3,
      requestId: "req-5678",
      userId: "user-7",
    });
    expect(records[0].route === "/api/v1/votes" || records[0].route === "other").toBe(true);
    expect(out.lines[0]).not.toContain("secret");
  });

  it("reads as lines for a person at a terminal", async () => {
    let text = "";
    const terminal = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString("utf8");
        done();
      },
    });
    const logger = createLogger(readableLines(terminal), "info");
    logger.info({ campaign: "c1", votes: 3 }, "imported");
    logger.error({ err: new Error("it broke") }, "import failed");
    await new Promise((resolve) => setImmediate(resolve));
    const [first, second] = text.split("\n");
    expect(first).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} INFO imported campaign=c1 votes=3$/);
    expect(second).toMatch(/ERROR import failed$/);
    expect(text).toContain("Error: it broke");
  });
});
