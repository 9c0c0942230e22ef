import { normalisedWords } from "@/lib/campaigns/identity-words";
import { normaliseForMatching } from "@/lib/markdown/plain-text";

/** Only the end of a growing answer can newly contain a name: this much of it is read again with each piece. */
const WINDOW = 256;

const NAMED_REFERENCES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/**
 * The text a streamed piece of Markdown reads as, closely enough to spot a model name and cheaply
 * enough to run on every token of a hundred streams: character references decoded, emphasis and
 * code markers dropped, then the identity words' own normalisation (NFKC, case, invisible
 * characters). A full Markdown parse per token costs a millisecond; the complete answer still gets
 * one (lib/campaigns/identity-words.ts) before it can be voted on.
 */
export function streamedReading(markdown: string): string {
  const decoded = markdown
    .replace(/&#(\d{1,7});|&#x([0-9a-f]{1,6});/gi, (reference, decimal?: string, hex?: string) => {
      const code = decimal ? Number(decimal) : parseInt(hex!, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : reference;
    })
    .replace(/&([a-z]+);/gi, (reference, name: string) => NAMED_REFERENCES[name.toLowerCase()] ?? reference);
  return normaliseForMatching(decoded.replace(/[*_~`]/g, ""));
}

/** Guards by word list, for callers that see one piece per request (the worker API's chunks). */
const guards = new Map<string, IdentityGuard>();
const MAX_GUARDS = 100;

/** Checks each new piece of a streamed answer, with what came before it, for the campaign's identity words. */
export class IdentityGuard {
  private readonly words: string[];

  constructor(identityWords: string[]) {
    this.words = normalisedWords(identityWords);
  }

  /**
   * The guard for this word list, normalised once rather than on every chunk: a worker's answer
   * arrives in hundreds of requests, and a campaign's list can hold hundreds of words.
   */
  static for(identityWords: string[]): IdentityGuard {
    const key = identityWords.join("\u0000");
    let guard = guards.get(key);
    if (guard) {
      // Most recently used last, so the oldest list is the one let go.
      guards.delete(key);
    } else {
      guard = new IdentityGuard(identityWords);
      if (guards.size >= MAX_GUARDS) guards.delete(guards.keys().next().value!);
    }
    guards.set(key, guard);
    return guard;
  }

  /** The identity word that `textSoFar` followed by `delta` contains, or null. */
  named(textSoFar: string, delta: string): string | null {
    if (this.words.length === 0) return null;
    const reading = streamedReading(textSoFar.slice(-WINDOW) + delta);
    return this.words.find((word) => reading.includes(word)) ?? null;
  }
}
