import { describe, expect, it } from "vitest";
import { markdownPlainText, normaliseForMatching } from "./plain-text";

const read = (markdown: string) => normaliseForMatching(markdownPlainText(markdown));

describe("identity words are matched on what the annotator reads", () => {
  it.each([
    ["full-width Latin", "私はＧＰＴです", "gpt"],
    ["half-width katakana", "私はｸﾛｰﾄﾞです", "クロード"],
    ["an HTML character reference", "I am Chat&#71;PT.", "chatgpt"],
    ["a named reference", "Chat&Gamma;PT is not it, but Cl&#97;ude is", "claude"],
    ["Markdown emphasis inside the word", "I am Cl**au**de", "claude"],
    ["zero-width characters", "I am Cl\u200baude\u200d", "claude"],
    ["a right-to-left override", "I am \u202eClaude\u202c", "claude"],
    ["a soft hyphen", "Gem\u00adini here", "gemini"],
    ["upper case", "GEMINI", "gemini"],
    ["a link text", "see [Gemini](https://example.com)", "gemini"],
    ["a code span", "run `llama.cpp`", "llama"],
    ["a Cyrillic С and е", "I am \u0421laud\u0435", "claude"],
    ["a Greek ο", "I am GPT-4\u03bf", "gpt-4o"],
    ["mathematical bold letters", "I am \u{1d402}\u{1d425}\u{1d41a}\u{1d42e}\u{1d41d}\u{1d41e}", "claude"],
    ["a digit for a letter", "I am C1aude", "claude"],
    ["a variation selector and a tag character", "I am Cla\ufe0fu\u{e0041}de", "claude"],
    ["a combining grapheme joiner", "I am Cl\u034faude", "claude"],
    ["math as rendered", "I am $\\text{Cl}\\text{aude}$", "claude"],
  ])("finds a model name hidden by %s", (_case, markdown, word) => {
    expect(read(markdown)).toContain(normaliseForMatching(word));
  });

  it("keeps raw HTML as the literal text the pane shows", () => {
    expect(markdownPlainText("<b>bold</b> and <script>x()</script>")).toBe("<b>bold</b> and <script>x()</script>");
  });

  it("does not join words that the reader sees apart", () => {
    expect(read("Cla\n\nude")).not.toContain("claude");
  });
});
