import { db } from "@/lib/db";
import type { Outcome } from "@/lib/generated/prisma/enums";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { recordVote } from "@/lib/votes/record-vote";

/**
 * Votes cast through the real scheduler and vote path, for tests and demos: each annotator in
 * turn takes their next pair and votes with `choose`, which sees the two models (as the server
 * knows them) and returns the outcome. Returns the number of votes stored.
 */
export async function simulateVotes(options: {
  campaignId: string;
  annotatorIds: string[];
  votesPerAnnotator: number;
  choose: (pair: { left: string; right: string; annotatorId: string; index: number }) => Outcome;
  extra?: (pair: { left: string; right: string; annotatorId: string; index: number }) => {
    reason?: string;
    correctedAnswer?: string;
    identityLeak?: boolean;
  };
}): Promise<number> {
  let stored = 0;
  for (let index = 0; index < options.votesPerAnnotator; index++) {
    for (const annotatorId of options.annotatorIds) {
      const next = await nextAssignmentFor(annotatorId, options.campaignId);
      if (next.status !== "assigned") continue;
      const assignment = await db.assignment.findUniqueOrThrow({
        where: { id: next.assignment.id },
        select: {
          leftOutput: { select: { model: { select: { name: true } } } },
          rightOutput: { select: { model: { select: { name: true } } } },
        },
      });
      const pair = { left: assignment.leftOutput.model.name, right: assignment.rightOutput.model.name, annotatorId, index };
      const result = await recordVote(annotatorId, {
        assignmentId: next.assignment.id,
        outcome: options.choose(pair),
        durationMs: 1000 + ((index * 7919) % 9000),
        ...options.extra?.(pair),
      });
      if (result.ok) stored++;
    }
  }
  return stored;
}
