"use client";

import "katex/dist/katex.min.css";
import "highlight.js/styles/github.css";
import { useMemo } from "react";
import Markdown, { type Components } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import rehypeKatex from "rehype-katex";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import { escapeMoneyDollars } from "@/lib/markdown/dollar-math";
import { MARKDOWN_LIMIT } from "@/lib/markdown/limits";
import { neutraliseBidi, remarkLiteralText } from "@/lib/markdown/literal";

/*
 * Model output and prompts are untrusted. Raw HTML in the Markdown is shown as the literal text
 * it is and never parsed into elements (remarkLiteralText; no rehype-raw), bidirectional control
 * characters are shown as visible markers, the tree is sanitised before KaTeX and highlighting
 * add their own markup, react-markdown drops javascript: and other unsafe URLs, links open in a
 * new tab without opener or referrer, and images are shown as their text so no outside request
 * is made. KaTeX gets no trust (no \href, \htmlStyle…) and bounded sizes and macro expansion, and
 * the box clips whatever is drawn outside it, so a formula cannot cover the page or its buttons.
 * Dollar signs that are money stay text (lib/markdown/dollar-math.ts).
 */
const KATEX_OPTIONS = { throwOnError: false, trust: false, strict: "ignore", maxSize: 20, maxExpand: 500 } as const;
const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow ugc" className="text-indigo-700 underline">
      {children}
    </a>
  ),
  img: ({ alt, src }) => (
    <span className="rounded bg-slate-100 px-1 text-xs text-slate-600">
      [image: {alt || "—"}
      {typeof src === "string" && src ? ` ${src}` : ""}]
    </span>
  ),
};

/**
 * Beyond this many characters, text is shown as it is, without Markdown (parsing megabytes froze
 * the page for minutes), in pieces: Chromium lays out one huge text node in quadratic time (a
 * 2 MB answer took 400 s as one node, 3.5 s as 10,000-character spans). Every character stays
 * on screen either way. The limit is lib/markdown/limits.ts's.
 */
const PIECE = 8_192;

export function MarkdownText({ text }: { text: string }) {
  const markdown = useMemo(() => (text.length > MARKDOWN_LIMIT ? text : escapeMoneyDollars(text)), [text]);
  if (text.length > MARKDOWN_LIMIT) {
    const shown = neutraliseBidi(text);
    const pieces: string[] = [];
    for (let start = 0; start < shown.length;) {
      let end = Math.min(start + PIECE, shown.length);
      // Never between the two halves of a character outside the BMP (an emoji, a rare kanji).
      if (end < shown.length && /[\ud800-\udbff]/.test(shown[end - 1])) end--;
      pieces.push(shown.slice(start, end));
      start = end;
    }
    return (
      <pre className="max-w-none overflow-x-auto font-sans text-sm break-words whitespace-pre-wrap [contain:paint]" data-plain-text>
        {pieces.map((piece, i) => (
          <span key={i}>{piece}</span>
        ))}
      </pre>
    );
  }
  return (
    <div className="prose prose-slate relative max-w-none overflow-x-auto break-words [contain:paint] prose-pre:bg-slate-50 prose-pre:text-slate-900">
      <Markdown
        remarkPlugins={[remarkGfm, remarkMath, remarkLiteralText]}
        rehypePlugins={[rehypeSanitize, [rehypeKatex, KATEX_OPTIONS], [rehypeHighlight, { detect: false }]]}
        components={components}
      >
        {markdown}
      </Markdown>
    </div>
  );
}
