/**
 * Beyond this many characters a turn is shown as it is, without Markdown (parsing megabytes froze
 * the page for minutes), and identity words are matched on that text as shown.
 */
export const MARKDOWN_LIMIT = 50_000;
