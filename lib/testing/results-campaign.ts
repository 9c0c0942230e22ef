import { db, sql } from "@/lib/db";
import type { Outcome } from "@/lib/generated/prisma/enums";
import { importRows } from "@/lib/imports/write";
import { createTestCampaign, createTestUser, uniqueSuffix } from "./factories";
import { simulateVotes } from "./simulate";

const OUTCOMES: Outcome[] = ["LEFT", "RIGHT", "LEFT", "TIE", "BOTH_BAD", "RIGHT", "LEFT", "BOTH_GOOD"];

/**
 * A campaign with votes for results tests: 4 models of known strength answering 8 prompts in two
 * categories, 3 annotators voting through the real scheduler (wins, ties, both-bad and both-good,
 * one vote reported as an identity leak), and the votes spread over two dates (2026-01-10 and
 * 2026-02-10).
 */
export async function createResultsCampaign() {
  const campaign = await createTestCampaign({ status: "DRAFT" });
  await db.campaign.update({
    where: { id: campaign.id },
    data: { targetVotesPerItem: 3, allowedOutcomes: ["LEFT", "RIGHT", "TIE", "BOTH_BAD", "BOTH_GOOD"], correctionPolicy: "OPTIONAL" },
  });
  const suffix = uniqueSuffix();
  const models = ["strong", "good", "fair", "weak"].map((name) => `${name}-${suffix}`);
  const rows = [];
  for (let p = 0; p < 8; p++) {
    for (const model of models) {
      rows.push({
        line: rows.length + 1,
        source: "results",
        promptId: `p${p}`,
        turns: [`Question ${p}?`],
        category: p < 4 ? "math" : "writing",
        model,
        outputTurns: [`Answer ${models.indexOf(model)} to question ${p}`],
      });
    }
  }
  await importRows(null, campaign.id, rows);
  await db.campaign.update({ where: { id: campaign.id }, data: { status: "ACTIVE" } });
  const annotators = await Promise.all([0, 1, 2].map(() => createTestUser({ role: "ANNOTATOR" })));
  await db.campaignMember.createMany({ data: annotators.map((a) => ({ campaignId: campaign.id, userId: a.id })) });
  const strength = (model: string) => models.indexOf(model);
  let count = 0;
  const stored = await simulateVotes({
    campaignId: campaign.id,
    annotatorIds: annotators.map((a) => a.id),
    votesPerAnnotator: 48,
    // Ties, both-bad and both-good mixed in; otherwise the stronger model wins, except that the
    // first annotator prefers the weaker of two neighbours in strength: every model wins and loses
    // (so the maximum likelihood exists), and the ranking by strength is still certain.
    choose: ({ left, right, annotatorId }) => {
      const pick = OUTCOMES[count++ % OUTCOMES.length];
      if (pick !== "LEFT" && pick !== "RIGHT") return pick;
      const better = strength(left) < strength(right) ? "LEFT" : "RIGHT";
      const neighbours = Math.abs(strength(left) - strength(right)) === 1;
      return annotatorId === annotators[0].id && neighbours ? (better === "LEFT" ? "RIGHT" : "LEFT") : better;
    },
    extra: ({ index, annotatorId }) => ({
      identityLeak: index === 3 && annotatorId === annotators[0].id,
      correctedAnswer: index === 5 ? `A better answer from ${index}` : undefined,
    }),
  });
  // Two dates, alternating, keeping the order of arrival within each.
  await sql.$executeRaw`
    UPDATE "Vote" v SET "createdAt" = CASE WHEN s.n % 2 = 0 THEN timestamptz '2026-01-10 12:00:00+00' ELSE timestamptz '2026-02-10 12:00:00+00' END
      + make_interval(secs => s.n)
    FROM (SELECT id, row_number() OVER (ORDER BY seq) AS n FROM "Vote" WHERE "campaignId" = ${campaign.id}::uuid) s
    WHERE v.id = s.id`;
  return { campaign, models, annotators, stored };
}
