import "server-only";
import { normalisedWords } from "@/lib/campaigns/identity-words";
import { normaliseForMatching } from "@/lib/markdown/plain-text";
import { env } from "@/lib/env";

/** Why a prompt is not sent to any model. */
export type PromptRefusal = "EMPTY" | "TOO_LONG" | "MODERATED" | "MODERATION_UNAVAILABLE";

const MODERATION_TIMEOUT_MS = 5000;

/**
 * The checks a live prompt passes before any model sees it: not blank, not longer than the
 * campaign allows, none of the campaign's blocked words (matched like identity words: NFKC,
 * case-folded, without zero-width or bidi characters), and — when HIKAKU_MODERATION_URL is set —
 * allowed by that service. A moderation service that cannot be reached refuses the prompt
 * rather than letting it through.
 */
export async function checkPrompt(prompt: string, limits: { maxChars: number; words: string[] }): Promise<PromptRefusal | null> {
  return campaignPromptRefusal(prompt, limits) ?? (await moderationServiceRefusal(prompt));
}

/** The checks that depend on the campaign's own limits: blank, too long, a blocked word. */
export function campaignPromptRefusal(prompt: string, limits: { maxChars: number; words: string[] }): PromptRefusal | null {
  if (!prompt.trim()) return "EMPTY";
  if ([...prompt].length > limits.maxChars) return "TOO_LONG";
  const text = normaliseForMatching(prompt);
  if (normalisedWords(limits.words).some((word) => text.includes(word))) return "MODERATED";
  return null;
}

export function moderationServiceSet(): boolean {
  return Boolean(env().HIKAKU_MODERATION_URL);
}

/** The moderation service's verdict (HIKAKU_MODERATION_URL), when one is set: anything but an answer refuses. */
export async function moderationServiceRefusal(prompt: string): Promise<PromptRefusal | null> {
  const url = env().HIKAKU_MODERATION_URL;
  if (!url) return null;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt }),
      signal: AbortSignal.timeout(MODERATION_TIMEOUT_MS),
    });
    if (!response.ok) return "MODERATION_UNAVAILABLE";
    const verdict = (await response.json()) as { allowed?: unknown };
    if (typeof verdict.allowed !== "boolean") return "MODERATION_UNAVAILABLE";
    return verdict.allowed ? null : "MODERATED";
  } catch {
    return "MODERATION_UNAVAILABLE";
  }
}
