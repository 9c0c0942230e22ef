import katex from "katex";
import type { Nodes } from "mdast";
import confusables from "unhomoglyph/data.json";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { escapeMoneyDollars } from "./dollar-math";
import { MARKDOWN_LIMIT } from "./limits";
import { remarkLiteralText } from "./literal";

const parser = unified().use(remarkParse).use(remarkGfm).use(remarkMath).use(remarkLiteralText);

/**
 * The text an annotator reads in rendered Markdown, through the same parser and plugins as the
 * panes: character references decoded (`Chat&#71;PT` reads ChatGPT), emphasis markers gone
 * (`Cl**au**de` reads Claude), raw HTML kept as the literal text it is shown as, math as KaTeX
 * renders it (`$\text{Cl}\text{aude}$` reads Claude), prices as written (lib/markdown/dollar-math.ts).
 */
export function markdownPlainText(markdown: string): string {
  return textOf(parser.runSync(parser.parse(escapeMoneyDollars(markdown))) as Nodes);
}

/** Containers whose children are blocks: what they show is on separate lines, so their text is too. */
const BLOCK_CONTAINERS = new Set(["root", "blockquote", "list", "listItem", "table", "tableRow", "footnoteDefinition"]);

/** The text KaTeX shows for a formula: its MathML without the source annotation, tags and entities removed. */
export function renderedMathText(tex: string): string {
  const html = katex.renderToString(tex, { output: "mathml", throwOnError: false });
  return html
    .replace(/<annotation[\s\S]*?<\/annotation>/g, "")
    .replace(/<[^>]*>/g, "")
    .replace(/&#x([0-9a-f]+);|&#(\d+);|&(amp|lt|gt|quot);/gi, (_, hex?: string, decimal?: string, name?: string) =>
      hex ? String.fromCodePoint(parseInt(hex, 16)) : decimal ? String.fromCodePoint(Number(decimal)) : ENTITIES[name!.toLowerCase()],
    );
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"' };

/**
 * One turn as the annotator's pane shows it: rendered Markdown's text, or — past the length the
 * panes render as Markdown (components/markdown-text.tsx) — the text exactly as it is.
 */
export function turnReading(turn: string): string {
  return turn.length > MARKDOWN_LIMIT ? turn : markdownPlainText(turn);
}

function textOf(node: Nodes): string {
  if (node.type === "break") return "\n";
  if (node.type === "inlineMath" || node.type === "math") return renderedMathText(node.value);
  if (node.type === "image" || node.type === "imageReference") return node.alt ?? "";
  if ("value" in node) return node.value;
  if (!("children" in node)) return "";
  return (node.children as Nodes[]).map(textOf).join(BLOCK_CONTAINERS.has(node.type) ? "\n" : "");
}

/**
 * Every character Unicode says to show as nothing (Default_Ignorable_Code_Point: zero-width
 * characters, soft hyphens, bidirectional marks and controls, variation selectors, tag characters,
 * the combining grapheme joiner, Hangul fillers…): invisible, so they must not split a word.
 */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * Letters that look like others (Cyrillic С for Latin C, ο for o, 0 for O…) folded to one
 * prototype, as Unicode's confusables data (UTS #39's skeleton) maps them: a model name spelt in
 * look-alikes reads as the name.
 */
const PROTOTYPE = new Map<number, string>(Object.entries(confusables as Record<string, string>).map(([c, p]) => [c.codePointAt(0)!, p]));
/** The few ASCII characters with a prototype of their own (0, 1, I, m, |, `, ", %), looked up by code. */
const ASCII_PROTOTYPE: (string | undefined)[] = Array.from({ length: 128 }, (_, code) => PROTOTYPE.get(code));

/**
 * `text` with each character that has a prototype replaced by it. A loop rather than a regular
 * expression with a callback: prose is full of mapped letters (every `m`), and the callback made
 * normalising ten times slower.
 */
function foldConfusables(text: string): string {
  let out = "";
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 128 && ASCII_PROTOTYPE[unit] === undefined) continue;
    const code = text.codePointAt(i)!;
    const width = code > 0xffff ? 2 : 1;
    const prototype = unit < 128 ? ASCII_PROTOTYPE[unit] : PROTOTYPE.get(code);
    if (prototype !== undefined) {
      out += text.slice(copied, i) + prototype;
      copied = i + width;
    }
    i += width - 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Text in the form identity words are matched in: NFKC (full-width ＧＰＴ is GPT, half-width ｸﾛｰﾄﾞ
 * is クロード), lower case, invisible characters removed, look-alike letters folded. Applied to
 * words and answers alike, so both sides of a match are folded the same way.
 */
export function normaliseForMatching(text: string): string {
  const folded = text.replace(INVISIBLE, "").normalize("NFKC").toLowerCase().replace(INVISIBLE, "");
  return foldConfusables(folded).toLowerCase().normalize("NFKC");
}
