import "server-only";
import { BodyTooLarge, discardBody, outboundFailureCause, outboundFetch, readCapped } from "@/lib/net/outbound";
import { EventTooLarge, readServerEvents } from "./sse";

/**
 * A streaming client for OpenAI-compatible chat completions (vLLM, llama.cpp server, Ollama,
 * hosted APIs): `POST {baseUrl}/chat/completions` with `stream: true`, read as server-sent events.
 * Every way it can go wrong ends in a GenerationFailure with a cause a researcher can act on —
 * never with anything the endpoint sent besides its status: the endpoint may be hostile, or may
 * not be a model at all (lib/net/outbound.ts).
 */

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export type FailureCause = "error" | "timeout" | "empty" | "identity" | "too_long" | "cancelled" | "shutdown";

export class GenerationFailure extends Error {
  constructor(
    readonly cause: FailureCause,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * The longest answer a model may give in one turn, in characters (UTF-16 code units, as
 * JavaScript counts them): far beyond any answer an annotator reads (the panes show over 50,000
 * characters as plain text), small enough that no answer can tie up the server.
 */
export const MAX_ANSWER_CHARS = 200_000;
/** The most a streamed reply may send in all (its events wrap each token in JSON) and a non-streamed one. */
const MAX_STREAM_BYTES = 32 * 1024 * 1024;
const MAX_JSON_BYTES = 4 * 1024 * 1024;
/** One server-sent event: a token's JSON is a few hundred bytes. */
const MAX_EVENT_CHARS = 1024 * 1024;

export interface ChatRequest {
  baseUrl: string;
  apiKey?: string | null;
  model: string;
  messages: ChatMessage[];
  params?: Record<string, unknown>;
  /** Aborted when the page is closed or the battle ends otherwise. */
  signal?: AbortSignal;
  timeoutMs: number;
  onDelta?: (delta: string) => void;
}

/** Where chat completions live under a base URL given as `…/v1` (the OpenAI convention) or without it. */
function completionsUrl(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, "");
  return `${trimmed}/chat/completions`;
}

/** The text of one SSE `data:` payload of a streamed completion; null for events that carry none. */
function deltaOf(data: unknown): string | null {
  const choice = (data as { choices?: { delta?: { content?: unknown }; message?: { content?: unknown } }[] })?.choices?.[0];
  const content = choice?.delta?.content ?? choice?.message?.content;
  return typeof content === "string" && content.length > 0 ? content : null;
}

const tooLong = () => new GenerationFailure("too_long", `the answer is longer than ${MAX_ANSWER_CHARS} characters`);

/** Counts the bytes of a stream as they pass, and ends it past `maxBytes`. */
function capped(body: ReadableStream<Uint8Array>, maxBytes: number): ReadableStream<Uint8Array> {
  let bytes = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes > maxBytes) throw new BodyTooLarge(`the endpoint sent more than ${maxBytes} bytes`);
        controller.enqueue(chunk);
      },
    }),
  );
}

/** Streams one answer; resolves with the whole text once the endpoint says it is done. */
export async function streamChatCompletion(request: ChatRequest): Promise<string> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const failed = (error: unknown): never => {
    if (request.signal?.aborted) throw new GenerationFailure("cancelled", "the battle ended before this answer did");
    if (timeout.aborted) throw new GenerationFailure("timeout", `no complete answer within ${Math.round(request.timeoutMs / 1000)} s`);
    if (error instanceof GenerationFailure) throw error;
    if (error instanceof EventTooLarge) throw new GenerationFailure("error", "the endpoint streamed an event over 1 MiB");
    throw new GenerationFailure("error", outboundFailureCause(error));
  };
  let text = "";
  const add = (delta: string) => {
    if (text.length + delta.length > MAX_ANSWER_CHARS) throw tooLong();
    text += delta;
    request.onDelta?.(delta);
  };
  try {
    const response = await outboundFetch(completionsUrl(request.baseUrl), {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "text/event-stream",
        ...(request.apiKey ? { Authorization: `Bearer ${request.apiKey}` } : {}),
      },
      body: JSON.stringify({ ...request.params, model: request.model, messages: request.messages, stream: true }),
      signal,
    });
    if (!response.ok) {
      discardBody(response);
      throw new GenerationFailure("error", `HTTP ${response.status} from the endpoint`);
    }
    if (!response.body) throw new GenerationFailure("error", "the endpoint sent no body");
    if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
      // Some servers ignore `stream: true`: take the whole answer at once.
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readCapped(response, MAX_JSON_BYTES));
      } catch (error) {
        if (error instanceof BodyTooLarge) throw tooLong();
        throw new GenerationFailure("error", "the endpoint's reply is neither an event stream nor JSON");
      }
      add(deltaOf(parsed) ?? "");
    } else {
      for await (const { data } of readServerEvents(capped(response.body as ReadableStream<Uint8Array>, MAX_STREAM_BYTES), {
        maxEventChars: MAX_EVENT_CHARS,
      })) {
        if (data === "[DONE]") break;
        let parsed: unknown;
        try {
          parsed = JSON.parse(data);
        } catch {
          throw new GenerationFailure("error", "the endpoint streamed an event that is not JSON");
        }
        if ((parsed as { error?: unknown })?.error) throw new GenerationFailure("error", "the endpoint reported an error in its stream");
        const delta = deltaOf(parsed);
        if (delta) add(delta);
      }
    }
  } catch (error) {
    failed(error);
  }
  if (!text.trim()) throw new GenerationFailure("empty", "the model's answer was empty");
  return text;
}
