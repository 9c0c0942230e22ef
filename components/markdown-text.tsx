"use client";

import "katex/dist/katex.min.css";
import "highlight.js/styles/github.css";
import Markdown, { type Components } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import rehypeKatex from "rehype-katex";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";

/*
 * Model output and prompts are untrusted. Raw HTML in the Markdown is never parsed into elements
 * (no rehype-raw), the tree is sanitised before KaTeX and highlighting add their own markup,
 * react-markdown drops javascript: and other unsafe URLs, links open in a new tab without
 * opener or referrer, and images are shown as their text so no outside request is made.
 */
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

export function MarkdownText({ text }: { text: string }) {
  return (
    <div className="prose prose-slate max-w-none break-words prose-pre:bg-slate-50 prose-pre:text-slate-900">
      <Markdown
        remarkPlugins={[remarkGfm, remarkMath]}
        rehypePlugins={[rehypeSanitize, [rehypeKatex, { throwOnError: false, trust: false }], [rehypeHighlight, { detect: false }]]}
        components={components}
      >
        {text}
      </Markdown>
    </div>
  );
}
