import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small OpenAI-compatible server for tests and benchmarks: `POST /v1/chat/completions`,
 * streamed as server-sent events one token at a time (or as one JSON body without `stream`).
 * What a model does is chosen by its name's prefix, so a test sets up failures by naming models:
 *   broken-…  answers HTTP 500          silent-…  streams an empty answer
 *   leaky-…   says which model it is     slow-…    sends one token, then nothing until cancelled
 *   garbled-… streams something that is not JSON
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

export async function startFakeOpenAi(options: { tokenDelayMs?: number; answerTokens?: number } = {}): Promise<FakeOpenAi> {
  const tokenDelayMs = options.tokenDelayMs ?? 5;
  const requests: FakeRequest[] = [];
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
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
