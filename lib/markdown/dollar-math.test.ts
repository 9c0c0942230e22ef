import type { Nodes } from "mdast";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { visit } from "unist-util-visit";
import { describe, expect, it } from "vitest";
import { escapeMoneyDollars } from "./dollar-math";
import { markdownPlainText } from "./plain-text";

const parser = unified().use(remarkParse).use(remarkGfm).use(remarkMath);

/** What the panes show of `markdown`: its formulas, its bold runs and its text. */
function shown(markdown: string) {
  const tree = parser.parse(escapeMoneyDollars(markdown)) as Nodes;
  const formulas: string[] = [];
  const bold: string[] = [];
  visit(tree, (node) => {
    if (node.type === "inlineMath") formulas.push(node.value);
    if (node.type === "strong") bold.push(textOf(node));
  });
  return { formulas, bold, text: markdownPlainText(markdown) };
}

function textOf(node: Nodes): string {
  if ("value" in node) return node.value;
  return "children" in node ? (node.children as Nodes[]).map(textOf).join("") : "";
}

describe("dollar signs that are money are not formulas", () => {
  it("shows prices as the text they are", () => {
    const question = "A bat and a ball cost $1.10 in total. The bat costs $1.00 more than the ball.";
    expect(shown(question)).toEqual({ formulas: [], bold: [], text: question });
    expect(shown("Use $HOME and $PATH here.").formulas).toEqual([]);
    expect(shown("Between $ x $ there is space, and $ y$ too.").formulas).toEqual([]);
    expect(shown("Lunch was $3,$4 or $5.").formulas).toEqual([]);
    // Two false formulas in one paragraph, both escaped in the same pass.
    const prices = "Tickets: $1 for kids, $2 for adults; parking $3 or $4.";
    expect(shown(prices)).toEqual({ formulas: [], bold: [], text: prices });
  });

  it("keeps formulas, also after a price", () => {
    expect(shown("Euler: $e^{i\\pi} + 1 = 0$.").formulas).toEqual(["e^{i\\pi} + 1 = 0"]);
    expect(shown("It costs $5 and $x$ is the count.")).toMatchObject({ formulas: ["x"], text: "It costs $5 and x is the count." });
    expect(shown("Both $a$ and $$b + c$$ inline.").formulas).toEqual(["a", "b + c"]);
    expect(shown("Two: $2^{10}$ bytes.").formulas).toEqual(["2^{10}"]);
  });

  it("lets Markdown around a price work as written", () => {
    expect(shown("So **the ball costs $0.05** (the bat $1.05).")).toMatchObject({ formulas: [], bold: ["the ball costs $0.05"] });
  });

  it("leaves code and dollar-free text untouched", () => {
    const code = "Run `echo $HOME $PATH` and\n\n```sh\nexport A=$1 B=$2\n```\n";
    expect(escapeMoneyDollars(code)).toBe(code);
    const plain = "no money here";
    expect(escapeMoneyDollars(plain)).toBe(plain);
  });
});
