import type { Code, Nodes, Parent, Root, Text } from "mdast";
import { visit } from "unist-util-visit";

/**
 * What an annotator sees of untrusted Markdown (prompts, answers, instructions): every character
 * the author wrote, and nothing that acts on the page.
 *
 * - Raw HTML is shown as the text it is, never parsed and never dropped: an HTML block becomes an
 *   HTML code block, inline tags become plain text. (Dropping them showed an answer made of
 *   `<svg>…</svg>` as a blank pane, and `<script>alert(1)</script>` in a prompt as `alert(1)`.)
 * - Bidirectional control characters, which can make text read differently from what it is (a
 *   model name written backwards behind U+202E), are replaced by a visible marker.
 */

/** U+202A–U+202E (embeddings, overrides) and U+2066–U+2069 (isolates). */
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

export function neutraliseBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `⟦U+${c.codePointAt(0)!.toString(16).toUpperCase()}⟧`);
}

const BLOCK_PARENTS = new Set(["root", "blockquote", "listItem", "footnoteDefinition"]);

export function remarkLiteralText() {
  return (tree: Root) => {
    visit(tree, (node: Nodes, index, parent: Parent | undefined) => {
      if (node.type === "html" && parent && index !== undefined) {
        const replacement: Code | Text = BLOCK_PARENTS.has(parent.type)
          ? { type: "code", lang: "html", value: neutraliseBidi(node.value) }
          : { type: "text", value: neutraliseBidi(node.value) };
        parent.children[index] = replacement as never;
        return;
      }
      if ("value" in node && typeof node.value === "string") node.value = neutraliseBidi(node.value);
    });
  };
}
