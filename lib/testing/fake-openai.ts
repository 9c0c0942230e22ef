import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small OpenAI-compatible server for tests and benchmarks: `POST /v1/chat/completions`,
 * streamed as server-sent events one token at a time (or as one JSON body without `stream`).
 * What a model does is chosen by its name's prefix, so a test sets up failures by naming models:
 *   broken-…  answers HTTP 500          silent-…  streams an empty answer
 *   leaky-…   says which model it is     slow-…    sends one token, then nothing until cancelled
 *   garbled-… streams something that is not JSON
 * Judges (not streamed; they report usage):
 *   judge-longer-… prefers the longer answer   judge-first-… always says [[A]]
 *   judge-tie-…    always says [[C]]          judge-garbage-… gives no verdict
 *   judge-flaky-…  answers HTTP 503 to every other request
 * Anything else answers with a few sentences that echo the last user turn.
 */

export interface FakeRequest {
  model: string;
  messages: { role: string; content: string }[];
  body: Record<string, unknown>;
  authorization: string | null;
  /** Set when the client went away before the answer was complete. */
  aborted: boolean;
}

export interface FakeOpenAi {
  baseUrl: string;
  requests: FakeRequest[];
  /** The most requests answered at the same time so far. */
  maxInFlight: number;
  close(): Promise<void>;
}

/** The answer a well-behaved model gives: its tokens, echoing the last user turn. */
export function fakeAnswerTokens(messages: { role: string; content: string }[]): string[] {
  const last = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const turn = messages.filter((m) => m.role === "user").length;
  const text = `Turn ${turn}. You wrote: “${last.slice(0, 200)}”. Here is a careful answer in three short points. First, consider the question. Second, weigh the options. Third, decide.`;
  return text.match(/\S+\s*/g) ?? [text];
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** `tokens` as an answer of at least `length` tokens: repeated until long enough (benchmarks want realistic lengths). */
function atLeast(tokens: string[], length: number): string[] {
  const long = [...tokens];
  while (long.length < length) long.push(" ", ...tokens);
  return long;
}

/** The total length of one side's answers in a judge's message (lib/judges/judge-prompts.ts's English wording). */
function answerLength(content: string, side: "A" | "B"): number {
  const blocks = content.matchAll(
    new RegExp(`\\[Start of assistant ${side}'s answer\\]\\n([\\s\\S]*?)\\n\\[End of assistant ${side}'s answer\\]`, "g"),
  );
  return [...blocks].reduce((sum, match) => sum + match[1].length, 0);
}

/** A fake judge's reply, by its name's prefix; null when the model is no judge. */
function judgeReply(model: string, messages: FakeRequest["messages"], calls: number): { status: number; text?: string } | null {
  if (!model.startsWith("judge-")) return null;
  if (model.startsWith("judge-flaky-") && calls % 2 === 1) return { status: 503 };
  if (model.startsWith("judge-first-")) return { status: 200, text: "Assistant A answers first. [[A]]" };
  if (model.startsWith("judge-tie-")) return { status: 200, text: "Both are as good. [[C]]" };
  if (model.startsWith("judge-garbage-")) return { status: 200, text: "I would rather not say which is better." };
  const user = messages.find((m) => m.role === "user")?.content ?? "";
  const a = answerLength(user, "A");
  const b = answerLength(user, "B");
  return { status: 200, text: a > b ? "A is more thorough. [[A]]" : a < b ? "B is more thorough. [[B]]" : "Equally long. [[C]]" };
}

export async function startFakeOpenAi(
  options: { tokenDelayMs?: number; answerTokens?: number; judgeDelayMs?: number } = {},
): Promise<FakeOpenAi> {
  const tokenDelayMs = options.tokenDelayMs ?? 5;
  const requests: FakeRequest[] = [];
  const callsPerModel = new Map<string, number>();
  let inFlight = 0;
  const server: Server = createServer((request, response) => {
    void (async () => {
      if (request.method !== "POST" || !request.url?.endsWith("/chat/completions")) {
        response.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      const body = JSON.parse(await readBody(request)) as Record<string, unknown>;
      const model = String(body.model);
      const messages = body.messages as FakeRequest["messages"];
      const record: FakeRequest = { model, messages, body, authorization: request.headers.authorization ?? null, aborted: false };
      requests.push(record);
      response.on("close", () => {
        if (!response.writableFinished) record.aborted = true;
      });
      const calls = callsPerModel.get(model) ?? 0;
      callsPerModel.set(model, calls + 1);
      const judged = judgeReply(model, messages, calls);
      if (judged) {
        inFlight += 1;
        fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, options.judgeDelayMs ?? 0));
        inFlight -= 1;
        if (judged.status !== 200) {
          response
            .writeHead(judged.status, { "Content-Type": "application/json" })
            .end(JSON.stringify({ error: { message: "overloaded" } }));
          return;
        }
        response.writeHead(200, { "Content-Type": "application/json" }).end(
          JSON.stringify({
            object: "chat.completion",
            model,
            choices: [{ index: 0, message: { role: "assistant", content: judged.text } }],
            usage: { prompt_tokens: 90, completion_tokens: 10, total_tokens: 100 },
          }),
        );
        return;
      }
      if (model.startsWith("broken-")) {
        response.writeHead(500, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { message: "the GPU caught fire" } }));
        return;
      }
      const tokens = model.startsWith("silent-")
        ? []
        : model.startsWith("leaky-")
          ? ["As ", "the ", "model ", `${model}, `, "I ", "think ", "so."]
          : atLeast(fakeAnswerTokens(messages), options.answerTokens ?? 0);
      const chunk = (content: string) => ({ object: "chat.completion.chunk", model, choices: [{ index: 0, delta: { content } }] });
      if (body.stream !== true) {
        response.writeHead(200, { "Content-Type": "application/json" }).end(
          JSON.stringify({
            object: "chat.completion",
            model,
            choices: [{ index: 0, message: { role: "assistant", content: tokens.join("") } }],
          }),
        );
        return;
      }
      response.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
      response.write(
        `data: ${JSON.stringify({ object: "chat.completion.chunk", model, choices: [{ index: 0, delta: { role: "assistant" } }] })}\n\n`,
      );
      if (model.startsWith("garbled-")) {
        response.end("data: {this is not json\n\n");
        return;
      }
      for (const token of model.startsWith("slow-") ? tokens.slice(0, 1) : tokens) {
        if (response.destroyed) return;
        await new Promise((resolve) => setTimeout(resolve, tokenDelayMs));
        response.write(`data: ${JSON.stringify(chunk(token))}\n\n`);
      }
      if (model.startsWith("slow-")) return; // Holds the stream open until the client gives up.
      response.end("data: [DONE]\n\n");
    })().catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeOpenAi = {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    maxInFlight: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
