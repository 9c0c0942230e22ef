import { createHash } from "node:crypto";

/**
 * Prompt de-duplication, as Chatbot Arena cleans its battles of repeated prompts: exact duplicates
 * after normalisation, and near-duplicates by MinHash over character shingles (characters, not
 * words, because Japanese has no spaces between words). Pure: the database side is duplicates.ts.
 */

/** Characters per shingle. */
export const SHINGLE_SIZE = 5;
/** MinHash values per signature, read as BANDS bands of ROWS_PER_BAND for locality-sensitive lookup. */
export const SIGNATURE_SIZE = 64;
const BANDS = 16;
const ROWS_PER_BAND = SIGNATURE_SIZE / BANDS;
/**
 * At or above this estimated Jaccard similarity of the shingle sets, a prompt is a near-duplicate.
 * Two prompts this similar share a band with probability 1 − (1 − 0.8⁴)¹⁶ > 0.9998.
 */
export const NEAR_DUPLICATE_SIMILARITY = 0.8;

/**
 * The text two prompts are compared on: the user turns joined by a newline, Unicode NFKC (full-
 * and half-width forms agree), lower case, runs of white space as one space, trimmed, and no
 * space next to a non-ASCII character (Japanese puts none between words, so one there is layout).
 */
export function normalisePrompt(turns: string[]): string {
  return turns
    .join("\n")
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\s+/gu, " ")
    .replace(/ (?=[^\x00-\x7f])|(?<=[^\x00-\x7f]) /gu, "")
    .trim();
}

export function textHash(normalised: string): string {
  return createHash("sha256").update(normalised).digest("base64url");
}

/** FNV-1a over UTF-16 code units, as an unsigned 32-bit integer. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) {
    hash ^= text.charCodeAt(k);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Fixed odd multipliers and offsets of the SIGNATURE_SIZE hash functions (a small xorshift, seeded, so every instance agrees). */
const [MULTIPLIERS, OFFSETS] = (() => {
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const multipliers = Uint32Array.from({ length: SIGNATURE_SIZE }, () => next() | 1);
  const offsets = Uint32Array.from({ length: SIGNATURE_SIZE }, () => next());
  return [multipliers, offsets];
})();

/** The distinct character shingles of a normalised text (the whole text when it is shorter than one). */
export function shingles(normalised: string): Set<string> {
  const characters = Array.from(normalised);
  if (characters.length <= SHINGLE_SIZE) return new Set([normalised]);
  const out = new Set<string>();
  for (let k = 0; k + SHINGLE_SIZE <= characters.length; k++) out.add(characters.slice(k, k + SHINGLE_SIZE).join(""));
  return out;
}

/** The MinHash signature: per hash function, the smallest hash of any shingle (signed 32-bit, as PostgreSQL stores int4). */
export function minhashSignature(normalised: string): number[] {
  const minimum = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (const shingle of shingles(normalised)) {
    const base = fnv1a(shingle);
    for (let k = 0; k < SIGNATURE_SIZE; k++) {
      const value = (Math.imul(base, MULTIPLIERS[k]) + OFFSETS[k]) >>> 0;
      if (value < minimum[k]) minimum[k] = value;
    }
  }
  return Array.from(minimum, (value) => value | 0);
}

/** One key per band (band number mixed in, so equal rows in different bands do not collide). */
export function bandKeys(signature: number[]): number[] {
  return Array.from({ length: BANDS }, (_, band) => {
    let hash = fnv1a(String(band));
    for (let row = 0; row < ROWS_PER_BAND; row++) {
      hash ^= signature[band * ROWS_PER_BAND + row];
      hash = Math.imul(hash, 0x01000193);
    }
    return hash | 0;
  });
}

/** Estimated Jaccard similarity of two prompts' shingle sets: the share of equal signature values. */
export function estimatedSimilarity(a: number[], b: number[]): number {
  let equal = 0;
  for (let k = 0; k < SIGNATURE_SIZE; k++) if (a[k] === b[k]) equal++;
  return equal / SIGNATURE_SIZE;
}

/** What de-duplication needs to know of one prompt. */
export interface PromptFingerprint {
  textHash: string;
  minhash: number[];
  bands: number[];
}

export function fingerprint(turns: string[]): PromptFingerprint {
  const normalised = normalisePrompt(turns);
  const minhash = minhashSignature(normalised);
  return { textHash: textHash(normalised), minhash, bands: bandKeys(minhash) };
}

export interface DuplicateMatch {
  duplicateOf: string;
  kind: "EXACT" | "NEAR";
  similarity: number;
}

/**
 * Which earlier prompt `prompt` repeats, among `earlier` (in the campaign's order, earliest
 * first): the earliest with the same normalised text, else the earliest whose estimated
 * similarity reaches NEAR_DUPLICATE_SIMILARITY; null when none does. Each prompt is matched only
 * against earlier ones, so adding prompts never changes what older prompts were found to be.
 */
export function findDuplicate(prompt: PromptFingerprint, earlier: (PromptFingerprint & { id: string })[]): DuplicateMatch | null {
  const exact = earlier.find((candidate) => candidate.textHash === prompt.textHash);
  if (exact) return { duplicateOf: exact.id, kind: "EXACT", similarity: 1 };
  const bands = new Set(prompt.bands);
  for (const candidate of earlier) {
    if (!candidate.bands.some((band) => bands.has(band))) continue;
    const similarity = estimatedSimilarity(prompt.minhash, candidate.minhash);
    if (similarity >= NEAR_DUPLICATE_SIMILARITY) return { duplicateOf: candidate.id, kind: "NEAR", similarity };
  }
  return null;
}
