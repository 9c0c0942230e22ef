import { STYLE_FEATURES, styleCounts } from "@/lib/ratings/style-control";

/** One turn of a conversation as exports and imports carry it. */
interface Turn {
  role: string;
  content: string;
}

/** A side's style counts as a PostgreSQL array literal, from its assistant turns (empty without a conversation). */
export function styleOf(conversation: readonly Turn[] | null): string {
  if (!conversation) return "{}";
  const counts = styleCounts(conversation.filter((m) => m.role === "assistant").map((m) => m.content));
  return `{${STYLE_FEATURES.map((feature) => counts[feature]).join(",")}}`;
}
