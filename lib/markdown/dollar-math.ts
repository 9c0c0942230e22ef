import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { visit } from "unist-util-visit";

const parser = unified().use(remarkParse).use(remarkGfm).use(remarkMath);

/** Re-parses at most this often; past it the text is shown as it is. */
const MAX_PASSES = 8;

/**
 * Dollar signs that are money, not math. remark-math takes any two `$` in a paragraph as a
 * formula, so "costs $1.10 in total … costs $1.00" showed the words between as run-together
 * italics ("intotal.Thebatcosts") — an answer garbled by the renderer, not by its model, which an
 * annotator would hold against it. Pandoc's rule decides instead: a single-dollar formula has a
 * non-space character right after its opening `$` and right before its closing `$`, and its closing
 * `$` is not followed by a digit. The opening `$` of each formula that breaks the rule is escaped
 * (`\$`, shown as `$`) and the text parsed again, since that `$` may have stolen a later formula's
 * opening. `$$…$$` and code are left alone.
 */
export function escapeMoneyDollars(markdown: string): string {
  if (!markdown.includes("$")) return markdown;
  let text = markdown;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const openings: number[] = [];
    visit(parser.parse(text), "inlineMath", (node) => {
      const start = node.position?.start.offset;
      const end = node.position?.end.offset;
      if (start === undefined || end === undefined) return;
      // Between the delimiters; that of `$$…$$` starts and ends with `$`, so the rule never takes it.
      const body = text.slice(start + 1, end - 1);
      if (/^\s/.test(body) || /\s$/.test(body) || /^\d/.test(text.charAt(end))) openings.push(start);
    });
    if (openings.length === 0) return text;
    // From the end, so that earlier offsets stay valid.
    for (const start of openings.reverse()) text = `${text.slice(0, start)}\\${text.slice(start)}`;
  }
  return text;
}
