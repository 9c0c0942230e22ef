import "server-only";
import type { ChatMessage } from "@/lib/live/openai";
import { BodyTooLarge, discardBody, outboundFailureCause, outboundFetch, readCapped } from "@/lib/net/outbound";

/**
 * One call to a judge: an OpenAI-compatible chat completion, not streamed (nobody watches it), through
 * the same guarded connection as live battles (lib/net/outbound.ts: checked addresses, no
 * redirects). The endpoint is treated as hostile: its reply is read up to a cap, and a failure
 * says only what a researcher can act on — a status or a network cause, never the reply's body.
 */

export interface JudgeReply {
  text: string;
  /** usage.total_tokens when the endpoint reports it (else prompt + completion tokens, else 0). */
  tokens: number;
  latencyMs: number;
}

export class JudgeCallFailed extends Error {}

const MAX_REPLY_BYTES = 4 * 1024 * 1024;
const MAX_JUDGMENT_CHARS = 100_000;

export interface JudgeCall {
  baseUrl: string;
  apiKey: string | null;
  model: string;
  messages: ChatMessage[];
  timeoutMs: number;
  signal?: AbortSignal;
}

const count = (value: unknown) => (typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.round(value) : 0);

export async function callJudge(call: JudgeCall): Promise<JudgeReply> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
  let body: string;
  try {
    const response = await outboundFetch(`${call.baseUrl.replace(/\/+$/, "")}/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(call.apiKey ? { Authorization: `Bearer ${call.apiKey}` } : {}) },
      // Deterministic where the endpoint allows it, as FastChat asks its judges (temperature 0).
      body: JSON.stringify({ model: call.model, messages: call.messages, temperature: 0, max_tokens: 2048, stream: false }),
      signal,
    });
    if (!response.ok) {
      discardBody(response);
      throw new JudgeCallFailed(`HTTP ${response.status} from the judge`);
    }
    body = await readCapped(response, MAX_REPLY_BYTES);
  } catch (error) {
    if (error instanceof JudgeCallFailed) throw error;
    if (call.signal?.aborted) throw new JudgeCallFailed("the run was stopped");
    if (timeout.aborted) throw new JudgeCallFailed(`no reply within ${Math.round(call.timeoutMs / 1000)} s`);
    if (error instanceof BodyTooLarge) throw new JudgeCallFailed("the judge's reply is too long");
    throw new JudgeCallFailed(outboundFailureCause(error));
  }
  let parsed: { choices?: { message?: { content?: unknown } }[]; usage?: Record<string, unknown> };
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new JudgeCallFailed("the judge's reply is not JSON");
  }
  const text = parsed?.choices?.[0]?.message?.content;
  if (typeof text !== "string" || !text.trim()) throw new JudgeCallFailed("the judge's reply has no text");
  const usage = parsed.usage ?? {};
  const tokens = count(usage.total_tokens) || count(usage.prompt_tokens) + count(usage.completion_tokens);
  return { text: text.slice(0, MAX_JUDGMENT_CHARS), tokens, latencyMs: Math.round(performance.now() - started) };
}
