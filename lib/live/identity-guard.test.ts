import { describe, expect, it } from "vitest";
import { EMPTY_WINDOW, IdentityGuard, streamedReading } from "./identity-guard";

/** What the guard says after each piece, fed one after another as a stream would. */
function namedAfterEach(guard: IdentityGuard, pieces: string[]): (string | null)[] {
  let window = EMPTY_WINDOW;
  return pieces.map((piece) => {
    const result = guard.check(window, piece);
    window = result.window;
    return result.named;
  });
}

const namedIn = (guard: IdentityGuard, pieces: string[]) => namedAfterEach(guard, pieces).find(Boolean) ?? null;

describe("the streaming check for model names", () => {
  const guard = new IdentityGuard(["Claude", "ChatGPT", "クロード", "GPT-4o"]);

  it.each([
    ["a plain mention", "I am Claude, an assistant.", "Claude"],
    ["full-width Latin", "私はＣｈａｔＧＰＴです", "ChatGPT"],
    ["half-width katakana", "私はｸﾛｰﾄﾞです", "クロード"],
    ["a numeric character reference", "I am Chat&#71;PT.", "ChatGPT"],
    ["a hexadecimal reference", "I am Chat&#x47;PT.", "ChatGPT"],
    ["emphasis inside the word", "I am Cl**au**de", "Claude"],
    ["zero-width characters", "I am Cl\u200baude", "Claude"],
    ["a right-to-left override", "\u202eClaude\u202c", "Claude"],
    ["a hyphenated name in code", "run `gpt-4o` locally", "GPT-4o"],
    // Invisible characters beyond the usual few: every Default_Ignorable_Code_Point.
    ["a combining grapheme joiner", "I am Cl\u034faude", "Claude"],
    ["a variation selector", "I am Cla\ufe0fude", "Claude"],
    ["tag characters", "I am Cl\u{e0041}\u{e0042}aude", "Claude"],
    ["a Hangul filler", "I am Cl\u3164aude", "Claude"],
    // Look-alike letters (Unicode's confusables).
    ["a Cyrillic С", "I am \u0421laude", "Claude"],
    ["a Greek ο", "I am GPT-4\u03bf", "GPT-4o"],
    ["a Cyrillic а", "I am Ch\u0430tGPT", "ChatGPT"],
    // Math, as rendered.
    ["text in math", "I am $\\text{Cl}\\text{aude}$", "Claude"],
  ])("finds %s", (_case, text, word) => {
    expect(namedIn(guard, [text])).toBe(word);
  });

  it("finds a name split across pieces of the stream, and nothing before it is complete", () => {
    expect(namedAfterEach(guard, ["Hello, I ", "am Cl", "au", "de and I help."])).toEqual([null, null, null, "Claude"]);
  });

  it("finds a name however many invisible characters stand between its pieces (the window is measured after them)", () => {
    const hidden = ["I am Cl", ...Array.from({ length: 300 }, () => "\u200b"), "aude."];
    expect(namedAfterEach(guard, hidden).at(-1)).toBe("Claude");
    expect(namedIn(guard, ["I am Cl", "\u200b".repeat(5000), "aude."])).toBe("Claude");
    expect(namedIn(guard, ["I am Cl", "&#8203;".repeat(500), "aude."])).toBe("Claude");
    expect(namedIn(guard, ["I am Cl", "*".repeat(1000), "aude."])).toBe("Claude");
  });

  it("finds a name whose character reference or LaTeX command is cut by a piece's end", () => {
    const long = "x".repeat(200);
    expect(namedIn(guard, [`${long} Chat&#`, "71;PT"])).toBe("ChatGPT");
    expect(namedIn(guard, [`${long} I am $\\te`, "xt{Cl}\\text{aude}$"])).toBe("Claude");
  });

  /**
   * Pieces built so that the guard's cut (all but the last 64 raw characters are read for good once
   * more than 128 wait) falls inside a character reference or a surrogate pair (a LaTeX command
   * cut in two still reads as its text):
   * the first piece is 108 characters, the second brings the total to 171, so the cut is at 107.
   */
  it.each([
    ["a character reference", "x".repeat(100) + " Chat&#7", "1;PT", "ChatGPT"],
    ["a LaTeX command", "x".repeat(99) + " $\\text{C", "l}\\text{aude}$ ", "Claude"],
    // 𝐂 (mathematical bold C) is two UTF-16 units, at 106 and 107.
    ["a surrogate pair", "x".repeat(105) + " \ud835\udc02", "laude", "Claude"],
  ])("reads for good only up to a safe place: %s cut by the window's edge is read whole", (_, first, second, word) => {
    expect(first.length).toBe(108);
    const rest = second + "y".repeat(171 - 108 - second.length);
    expect(namedIn(guard, [first, rest])).toBe(word);
  });

  it("looks back far enough for any name, however long the answer already is", () => {
    expect(namedIn(guard, ["x".repeat(10_000), " Cla", "ude"])).toBe("Claude");
    expect(namedIn(guard, [..."y".repeat(3_000), " Cl", "aude"])).toBe("Claude");
  });

  it("keeps a window of its own size, whatever the answer's length", () => {
    let window = EMPTY_WINDOW;
    for (let i = 0; i < 1_000; i++) window = guard.check(window, "a long answer without any name in it. ").window;
    expect(window.reading.length).toBeLessThanOrEqual(256);
    expect(window.pending.length).toBeLessThanOrEqual(128);
  });

  it("decodes named and numeric references as a browser would, and only those", () => {
    // (Folded afterwards like all text: " reads as '', 1 as l, 0 as o.)
    expect(streamedReading("a &lt;b&gt; &QUOT;c&quot; &apos;d&apos; e&nbsp;f &amp; g")).toBe("a <b> ''c'' 'd' e f & g");
    expect(streamedReading("&#1114111; &#1114112; &#x10FFFF; &#x110000;")).toBe("\u{10ffff} &#lll4ll2; \u{10ffff} &#xlloooo;");
    expect(EMPTY_WINDOW).toEqual({ reading: "", pending: "" });
  });

  it("names the word as the campaign lists it: the first of two spellings, without surrounding spaces", () => {
    expect(namedIn(new IdentityGuard([" Claude ", "CLAUDE", "  "]), ["I am claude."])).toBe("Claude");
  });

  it("keeps enough of the reading for a word longer than its usual window", () => {
    const long = `Model ${"z".repeat(300)}`;
    const pieces = ["x".repeat(500), ...long.match(/.{1,7}/g)!, "y".repeat(200)];
    expect(namedIn(new IdentityGuard([long]), pieces)).toBe(long);
  });

  it("leaves other text alone", () => {
    expect(namedIn(guard, ["The cloud is white; GPT is an abbreviation."])).toBeNull();
    expect(namedIn(new IdentityGuard([]), ["Claude"])).toBeNull();
    // An unknown reference stays as written (then folded like everything else: 0 reads as o).
    expect(streamedReading("a &bogus; b &#0; c")).toBe("a &bogus; b &#o; c");
  });
});

describe("the guards kept per word list", () => {
  it("normalises a list once and tells lists apart", () => {
    const guard = IdentityGuard.for(["GPT-4", "Claude"]);
    expect(IdentityGuard.for(["GPT-4", "Claude"])).toBe(guard);
    // The same words split differently are another list.
    expect(IdentityGuard.for(["GPT-4Claude"])).not.toBe(guard);
    expect(IdentityGuard.for(["GPT-4"])).not.toBe(guard);
    expect(namedIn(guard, ["I am ", "ｃｌａｕｄｅ"])).toBe("Claude");
    expect(namedIn(IdentityGuard.for([]), ["I am Claude"])).toBeNull();
  });

  it("lets the least recently used list go once a hundred are kept", () => {
    const first = IdentityGuard.for(["list-0"]);
    const kept = IdentityGuard.for(["list-1"]);
    for (let n = 2; n < 100; n++) IdentityGuard.for([`list-${n}`]);
    // Using list-0 again makes list-1 the oldest: the next new list pushes list-1 out.
    expect(IdentityGuard.for(["list-0"])).toBe(first);
    IdentityGuard.for(["list-100"]);
    expect(IdentityGuard.for(["list-0"])).toBe(first);
    expect(IdentityGuard.for(["list-1"])).not.toBe(kept);
  });
});
