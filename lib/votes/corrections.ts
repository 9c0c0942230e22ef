import "server-only";
import { db } from "@/lib/db";

export interface CorrectionEntry {
  id: string;
  createdAt: Date;
  promptTurns: string[];
  modelA: string;
  modelB: string;
  outcome: "LEFT" | "RIGHT" | "TIE" | "BOTH_BAD" | "BOTH_GOOD";
  correctedAnswer: string;
  judge: string;
}

export const CORRECTIONS_PER_PAGE = 20;

/** The campaign's votes that carry a corrected answer, newest first, a page at a time (none on a prompt a researcher left out). */
export async function correctionsOf(campaignId: string, page: number): Promise<{ entries: CorrectionEntry[]; total: number }> {
  const where = { campaignId, correctedAnswer: { not: null }, NOT: { prompt: { excludedAt: { not: null } } } };
  const [rows, total] = await Promise.all([
    db.vote.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { seq: "desc" }],
      skip: page * CORRECTIONS_PER_PAGE,
      take: CORRECTIONS_PER_PAGE,
      select: {
        id: true,
        createdAt: true,
        outcome: true,
        correctedAnswer: true,
        judge: true,
        conversationA: true,
        prompt: { select: { turns: true } },
        modelA: { select: { name: true } },
        modelB: { select: { name: true } },
        annotator: { select: { displayName: true } },
      },
    }),
    db.vote.count({ where }),
  ]);
  return {
    total,
    entries: rows.map((row) => ({
      id: row.id,
      createdAt: row.createdAt,
      promptTurns: row.prompt
        ? (row.prompt.turns as string[])
        : ((row.conversationA as { role: string; content: string }[] | null) ?? []).filter((m) => m.role === "user").map((m) => m.content),
      modelA: row.modelA.name,
      modelB: row.modelB.name,
      outcome: row.outcome,
      correctedAnswer: row.correctedAnswer!,
      judge: row.annotator?.displayName ?? row.judge ?? "?",
    })),
  };
}
