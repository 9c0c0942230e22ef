import "server-only";
import { normalisedWords } from "@/lib/campaigns/identity-words";
import { normaliseForMatching } from "@/lib/markdown/plain-text";
import { env } from "@/lib/env";
import { parseAllowedHosts, type AllowRule } from "@/lib/net/addresses";
import { allowedHostRules, discardBody, outboundFetch, readCapped } from "@/lib/net/outbound";

/** Why a prompt is not sent to any model. */
export type PromptRefusal = "EMPTY" | "TOO_LONG" | "MODERATED" | "MODERATION_UNAVAILABLE";

const MODERATION_TIMEOUT_MS = 5000;
/** A verdict is a few bytes; a longer reply is no verdict. */
const MAX_VERDICT_BYTES = 64 * 1024;

/**
 * The checks a live prompt passes before any model sees it: not blank, not longer than the
 * campaign allows, none of the campaign's blocked words (matched like identity words: NFKC,
 * case-folded, without zero-width or bidi characters), and — when HIKAKU_MODERATION_URL is set —
 * allowed by that service. A moderation service that cannot be reached refuses the prompt
 * rather than letting it through.
 */
export async function checkPrompt(
  prompt: string,
  limits: { maxChars: number; words: string[] },
  earlierTurns: string[] = [],
): Promise<PromptRefusal | null> {
  return campaignPromptRefusal(prompt, limits) ?? (await moderationServiceRefusal(prompt, earlierTurns));
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

/**
 * The operator chose the moderation service's address, so it may be on the private network: its
 * own host is allowed beside HIKAKU_ALLOWED_MODEL_HOSTS. Every other rule of outgoing calls holds.
 */
let moderationRules: { url: string; rules: AllowRule[] } | null = null;
function rulesFor(url: string): AllowRule[] {
  if (moderationRules?.url !== url) {
    const { hostname, port, protocol } = new URL(url);
    const hostPort = `${hostname}:${Number(port) || (protocol === "https:" ? 443 : 80)}`;
    moderationRules = { url, rules: [...allowedHostRules(), ...parseAllowedHosts(hostPort)] };
  }
  return moderationRules.rules;
}

/**
 * The moderation service's verdict (HIKAKU_MODERATION_URL), when one is set: anything but an
 * answer refuses. It gets the new prompt and the whole conversation so far (`turns`, the user's
 * turns in order, the new one last): a follow-up harmless alone may not be in context.
 */
export async function moderationServiceRefusal(prompt: string, earlierTurns: string[] = []): Promise<PromptRefusal | null> {
  const url = env().HIKAKU_MODERATION_URL;
  if (!url) return null;
  try {
    const response = await outboundFetch(
      url,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ prompt, turns: [...earlierTurns, prompt] }),
        signal: AbortSignal.timeout(MODERATION_TIMEOUT_MS),
      },
      { rules: rulesFor(url) },
    );
    if (!response.ok) {
      discardBody(response);
      return "MODERATION_UNAVAILABLE";
    }
    const verdict = JSON.parse(await readCapped(response, MAX_VERDICT_BYTES)) as { allowed?: unknown };
    if (typeof verdict?.allowed !== "boolean") return "MODERATION_UNAVAILABLE";
    return verdict.allowed ? null : "MODERATED";
  } catch {
    return "MODERATION_UNAVAILABLE";
  }
}
