import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GenerationFailure, MAX_ANSWER_CHARS, streamChatCompletion } from "./openai";

/**
 * The chat-completions client against a server that behaves as each test's model name says, over
 * real HTTP on 127.0.0.1 (the address the tests allow): the shapes of answer real servers send and
 * the ways an answer fails, each with the cause and message a researcher reads.
 */
let server: http.Server;
let baseUrl = "";
const paths: string[] = [];

const event = (content: string) => `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    paths.push(request.url ?? "");
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const { model } = JSON.parse(body) as { model: string };
      if (model === "json") {
        // A server that ignores `stream: true` and answers at once.
        return void response
          .writeHead(200, { "Content-Type": "application/json" })
          .end(JSON.stringify({ choices: [{ message: { content: "whole answer" } }] }));
      }
      response.writeHead(200, { "Content-Type": "text/event-stream" });
      if (model === "silent") return; // never answers; the client gives up
      if (model === "role-first") return void response.end(`${event("")}${event("Hello")}${event(" there")}data: [DONE]\n\n`);
      if (model === "blank") return void response.end(`${event("  ")}${event("\n")}data: [DONE]\n\n`);
      // An event that goes on past 1 MiB and is never ended.
      if (model === "huge-event") return void response.write(`data: "${"x".repeat(2 * 1024 * 1024)}`);
      const length = Number(model.replace("chars-", ""));
      const pieces = [];
      for (let left = length; left > 0; left -= 50_000) pieces.push(event("y".repeat(Math.min(50_000, left))));
      response.end(`${pieces.join("")}data: [DONE]\n\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function ask(model: string, options: { timeoutMs?: number; signal?: AbortSignal; onDelta?: (delta: string) => void; base?: string } = {}) {
  return streamChatCompletion({
    baseUrl: options.base ?? baseUrl,
    model,
    messages: [{ role: "user", content: "hi" }],
    timeoutMs: options.timeoutMs ?? 10_000,
    signal: options.signal,
    onDelta: options.onDelta,
  });
}

async function failure(answer: Promise<string>): Promise<{ cause: string; message: string }> {
  const error = await answer.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof GenerationFailure)) throw new Error(`expected a GenerationFailure, got ${String(error)}`);
  return { cause: error.cause, message: error.message };
}

describe("streamChatCompletion", () => {
  it("posts to <base>/chat/completions, with or without a trailing slash on the base", async () => {
    paths.length = 0;
    await ask("chars-10", { base: `${baseUrl}/` });
    await ask("chars-10");
    expect(paths).toEqual(["/v1/chat/completions", "/v1/chat/completions"]);
  });

  it("reads an answer sent whole by a server that does not stream", async () => {
    expect(await ask("json")).toBe("whole answer");
  });

  it("passes on only deltas with text: the role-only first event of OpenAI's streams is no token", async () => {
    const deltas: string[] = [];
    expect(await ask("role-first", { onDelta: (delta) => deltas.push(delta) })).toBe("Hello there");
    expect(deltas).toEqual(["Hello", " there"]);
  });

  it("takes an answer of exactly the length cap and refuses one character more", async () => {
    expect((await ask(`chars-${MAX_ANSWER_CHARS}`)).length).toBe(MAX_ANSWER_CHARS);
    expect(await failure(ask(`chars-${MAX_ANSWER_CHARS + 1}`))).toEqual({
      cause: "too_long",
      message: `the answer is longer than ${MAX_ANSWER_CHARS} characters`,
    });
  });

  it("fails with a cause a researcher can act on: empty, an event over 1 MiB, the timeout, the battle ending", async () => {
    expect(await failure(ask("blank"))).toEqual({ cause: "empty", message: "the model's answer was empty" });
    expect(await failure(ask("huge-event"))).toEqual({ cause: "error", message: "the endpoint streamed an event over 1 MiB" });
    expect(await failure(ask("silent", { timeoutMs: 1000 }))).toEqual({ cause: "timeout", message: "no complete answer within 1 s" });
    expect(await failure(ask("silent", { signal: AbortSignal.timeout(200) }))).toEqual({
      cause: "cancelled",
      message: "the battle ended before this answer did",
    });
  });
});
