import { describe, expect, it } from "vitest";
import { IdentityGuard, streamedReading } from "./identity-guard";

describe("the streaming check for model names", () => {
  const guard = new IdentityGuard(["Claude", "ChatGPT", "クロード", "GPT-4o"]);

  it.each([
    ["a plain mention", "I am Claude, an assistant.", "claude"],
    ["full-width Latin", "私はＣｈａｔＧＰＴです", "chatgpt"],
    ["half-width katakana", "私はｸﾛｰﾄﾞです", "クロード"],
    ["a numeric character reference", "I am Chat&#71;PT.", "chatgpt"],
    ["a hexadecimal reference", "I am Chat&#x47;PT.", "chatgpt"],
    ["emphasis inside the word", "I am Cl**au**de", "claude"],
    ["zero-width characters", "I am Cl\u200baude", "claude"],
    ["a right-to-left override", "\u202eClaude\u202c", "claude"],
    ["a hyphenated name in code", "run `gpt-4o` locally", "gpt-4o"],
  ])("finds %s", (_case, text, word) => {
    expect(guard.named("", text)).toBe(word);
  });

  it("finds a name split across pieces of the stream, and nothing before it is complete", () => {
    const pieces = ["Hello, I ", "am Cl", "au", "de and I help."];
    const found: (string | null)[] = [];
    let text = "";
    for (const piece of pieces) {
      found.push(guard.named(text, piece));
      text += piece;
    }
    expect(found).toEqual([null, null, null, "claude"]);
  });

  it("looks back far enough for any name, however long the answer already is", () => {
    expect(guard.named(`${"x".repeat(10_000)} Cla`, "ude")).toBe("claude");
  });

  it("leaves other text alone", () => {
    expect(guard.named("", "The cloud is white; GPT is an abbreviation.")).toBeNull();
    expect(new IdentityGuard([]).named("", "Claude")).toBeNull();
    expect(streamedReading("a &bogus; b &#0; c")).toBe("a &bogus; b &#0; c");
  });
});

describe("the guards kept per word list", () => {
  it("normalises a list once and tells lists apart", () => {
    const guard = IdentityGuard.for(["GPT-4", "Claude"]);
    expect(IdentityGuard.for(["GPT-4", "Claude"])).toBe(guard);
    // The same words split differently are another list.
    expect(IdentityGuard.for(["GPT-4Claude"])).not.toBe(guard);
    expect(IdentityGuard.for(["GPT-4"])).not.toBe(guard);
    expect(guard.named("I am ", "ｃｌａｕｄｅ")).toBe("claude");
    expect(IdentityGuard.for([]).named("", "I am Claude")).toBeNull();
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
