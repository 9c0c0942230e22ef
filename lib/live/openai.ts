import "server-only";
import { readServerEvents } from "./sse";

/**
 * A streaming client for OpenAI-compatible chat completions (vLLM, llama.cpp server, Ollama,
 * hosted APIs): `POST {baseUrl}/chat/completions` with `stream: true`, read as server-sent events.
 * Every way it can go wrong ends in a GenerationFailure with a cause a researcher can act on.
 */

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export type FailureCause = "error" | "timeout" | "empty" | "identity" | "cancelled";

export class GenerationFailure extends Error {
  constructor(
    readonly cause: FailureCause,
    detail: string,
  ) {
    super(detail);
  }
}

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

/** Streams one answer; resolves with the whole text once the endpoint says it is done. */
export async function streamChatCompletion(request: ChatRequest): Promise<string> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const failed = (error: unknown): never => {
    if (request.signal?.aborted) throw new GenerationFailure("cancelled", "the battle ended before this answer did");
    if (timeout.aborted) throw new GenerationFailure("timeout", `no complete answer within ${Math.round(request.timeoutMs / 1000)} s`);
    if (error instanceof GenerationFailure) throw error;
    throw new GenerationFailure("error", error instanceof Error ? error.message : String(error));
  };
  let text = "";
  try {
    const response = await fetch(completionsUrl(request.baseUrl), {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "text/event-stream",
        ...(request.apiKey ? { Authorization: `Bearer ${request.apiKey}` } : {}),
      },
      body: JSON.stringify({ ...request.params, model: request.model, messages: request.messages, stream: true }),
      signal,
      redirect: "error",
    });
    if (!response.ok) {
      const body = (await response.text().catch(() => "")).slice(0, 300);
      throw new GenerationFailure("error", `HTTP ${response.status} from the endpoint${body ? `: ${body}` : ""}`);
    }
    if (!response.body) throw new GenerationFailure("error", "the endpoint sent no body");
    if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
      // Some servers ignore `stream: true`: take the whole answer at once.
      const whole = deltaOf(await response.json()) ?? "";
      request.onDelta?.(whole);
      text = whole;
    } else {
      for await (const { data } of readServerEvents(response.body)) {
        if (data === "[DONE]") break;
        let parsed: unknown;
        try {
          parsed = JSON.parse(data);
        } catch {
          throw new GenerationFailure("error", `the endpoint streamed something that is not JSON: ${data.slice(0, 100)}`);
        }
        const error = (parsed as { error?: { message?: unknown } }).error;
        if (error) throw new GenerationFailure("error", `the endpoint reported: ${String(error.message ?? JSON.stringify(error))}`);
        const delta = deltaOf(parsed);
        if (delta) {
          text += delta;
          request.onDelta?.(delta);
        }
      }
    }
  } catch (error) {
    failed(error);
  }
  if (!text.trim()) throw new GenerationFailure("empty", "the model's answer was empty");
  return text;
}
