import type { Nodes } from "mdast";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { escapeMoneyDollars } from "./dollar-math";
import { remarkLiteralText } from "./literal";

const parser = unified().use(remarkParse).use(remarkGfm).use(remarkMath).use(remarkLiteralText);

/**
 * The text an annotator reads in rendered Markdown, through the same parser and plugins as the
 * panes: character references decoded (`Chat&#71;PT` reads ChatGPT), emphasis markers gone
 * (`Cl**au**de` reads Claude), raw HTML kept as the literal text it is shown as, math as its source,
 * prices as written (lib/markdown/dollar-math.ts).
 */
export function markdownPlainText(markdown: string): string {
  return textOf(parser.runSync(parser.parse(escapeMoneyDollars(markdown))) as Nodes);
}

/** Containers whose children are blocks: what they show is on separate lines, so their text is too. */
const BLOCK_CONTAINERS = new Set(["root", "blockquote", "list", "listItem", "table", "tableRow", "footnoteDefinition"]);

function textOf(node: Nodes): string {
  if (node.type === "break") return "\n";
  if (node.type === "image" || node.type === "imageReference") return node.alt ?? "";
  if ("value" in node) return node.value;
  if (!("children" in node)) return "";
  return (node.children as Nodes[]).map(textOf).join(BLOCK_CONTAINERS.has(node.type) ? "\n" : "");
}

/** Zero-width characters, soft hyphens and every bidirectional mark or control: invisible, so they must not split a word. */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * Text in the form identity words are matched in: NFKC (full-width ＧＰＴ is GPT, half-width ｸﾛｰﾄﾞ
 * is クロード), lower case, invisible characters removed. Applied to words and answers alike.
 */
export function normaliseForMatching(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(INVISIBLE, "").normalize("NFKC");
}
