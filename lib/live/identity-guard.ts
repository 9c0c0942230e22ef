import { normaliseForMatching } from "@/lib/markdown/plain-text";

/**
 * How much of the answer's reading (after normalisation: invisible characters, markers and
 * references gone) is kept and read again with each piece: a name hidden behind thousands of
 * zero-width characters still falls inside it, since those are gone before it is measured.
 */
const WINDOW = 256;
/**
 * Raw characters at the end that are read again with the next piece rather than for good: a
 * character reference (`&#67;`) or a surrogate pair may be cut by a piece's end.
 */
const HOLD = 64;

const NAMED_REFERENCES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/**
 * The text a streamed piece of Markdown reads as, closely enough to spot a model name and cheaply
 * enough to run on every token of a hundred streams: character references decoded, emphasis and
 * code markers dropped, math markup dropped (`$\text{Cl}\text{aude}$` reads Claude), then the
 * identity words' own normalisation (invisible characters, NFKC, case, look-alike letters). A full
 * Markdown parse per token costs a millisecond; the complete answer still gets one
 * (lib/campaigns/identity-words.ts) before it can be voted on.
 */
export function streamedReading(markdown: string): string {
  const decoded = markdown
    .replace(/&#(\d{1,7});|&#x([0-9a-f]{1,6});/gi, (reference, decimal?: string, hex?: string) => {
      const code = decimal ? Number(decimal) : parseInt(hex!, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : reference;
    })
    .replace(/&([a-z]+);/gi, (reference, name: string) => NAMED_REFERENCES[name.toLowerCase()] ?? reference);
  return normaliseForMatching(decoded.replace(/\\[a-z]+|[*_~`${}]/gi, ""));
}

/** What the guard keeps of an answer between its pieces (stored with a worker's job between requests). */
export interface GuardWindow {
  /** The end of the reading of what has been read for good (WINDOW characters, or the longest word's length). */
  reading: string;
  /** Raw text not yet read for good (at most 2 × HOLD characters). */
  pending: string;
}

export const EMPTY_WINDOW: GuardWindow = { reading: "", pending: "" };

/**
 * Where raw text may be cut for good: not inside a character reference or a surrogate pair. (A
 * LaTeX command cut in two is harmless: the reading drops commands, and what is left of one is
 * letters before the text it wraps, which still contains the name.)
 */
function safeCut(text: string, cut: number): number {
  const amp = text.lastIndexOf("&", cut - 1);
  if (amp >= 0 && cut - amp <= 12 && !text.slice(amp, cut).includes(";")) cut = amp;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return cut;
}

/** Guards by word list, for callers that see one piece per request (the worker API's chunks). */
const guards = new Map<string, IdentityGuard>();
const MAX_GUARDS = 100;

/** Checks each new piece of a streamed answer, with what came before it, for the campaign's identity words. */
export class IdentityGuard {
  /** The words as listed, by their normalised form. */
  private readonly words: Map<string, string>;
  /** The reading kept between pieces: the window, or more for a longer word. */
  private readonly keep: number;

  constructor(identityWords: string[]) {
    this.words = new Map();
    for (const word of identityWords) {
      const normalised = normaliseForMatching(word.trim());
      if (normalised && !this.words.has(normalised)) this.words.set(normalised, word.trim());
    }
    this.keep = Math.max(WINDOW, ...[...this.words.keys()].map((word) => word.length));
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

  /**
   * The identity word (as listed) that the answer so far, followed by `piece`, contains — or null
   * — and the window to check the next piece with. Each piece costs time in proportion to its own
   * length, however long the answer already is.
   */
  check(window: GuardWindow, piece: string): { named: string | null; window: GuardWindow } {
    let { reading, pending } = window;
    pending += piece;
    if (pending.length > 2 * HOLD) {
      const cut = safeCut(pending, pending.length - HOLD);
      reading = (reading + streamedReading(pending.slice(0, cut))).normalize("NFKC").slice(-this.keep);
      pending = pending.slice(cut);
    }
    const next = { reading, pending };
    if (this.words.size === 0) return { named: null, window: next };
    const text = (reading + streamedReading(pending)).normalize("NFKC");
    for (const [normalised, word] of this.words) if (text.includes(normalised)) return { named: word, window: next };
    return { named: null, window: next };
  }
}
