import { getTranslator } from "@/lib/i18n/server";
import type { CompletionProjection } from "@/lib/ratings/planning";

/** How many more votes would part every adjacent pair of the ranking, and when, at the campaign's current rate. */
export async function SeparationPlan({ projection }: { projection: CompletionProjection }) {
  const t = await getTranslator();
  const { votesNeeded, pairsBeyondReach, votesPerDay, projectedDate } = projection;
  if (votesNeeded === 0 && pairsBeyondReach === 0)
    return (
      <p className="text-sm" data-testid="separation-plan">
        {t("leaderboard.planDone")}
      </p>
    );
  return (
    <p className="text-sm" data-testid="separation-plan">
      {votesNeeded > 0 && (
        <>
          {t("leaderboard.planVotes", { votes: votesNeeded.toLocaleString("en") })}{" "}
          {projectedDate
            ? t("leaderboard.planDate", { rate: votesPerDay.toLocaleString("en", { maximumFractionDigits: 1 }), date: projectedDate })
            : t(votesPerDay > 0 ? "leaderboard.planTooFar" : "leaderboard.planNoRate")}{" "}
        </>
      )}
      {pairsBeyondReach > 0 && t("leaderboard.planBeyond", { n: pairsBeyondReach })}
    </p>
  );
}
