import type { TargetProgress } from "@/lib/campaigns/stop-target";
import type { CampaignStatusName } from "@/lib/campaigns/options";
import { getTranslator } from "@/lib/i18n/server";
import { CampaignStatusControls } from "./campaign-status-controls";
import { PlannedTargetText } from "./planned-target-text";

/** Where the campaign stands against its stopping target, and when it is met, the way to close it. */
export async function StopTargetPanel({
  progress,
  votesPerPair,
  campaign,
}: {
  progress: TargetProgress | null;
  votesPerPair: number;
  campaign: { id: string; slug: string; status: CampaignStatusName };
}) {
  const t = await getTranslator();
  if (!progress) return <p className="text-sm text-slate-600">{t("stopTarget.none", { n: votesPerPair })}</p>;
  const target =
    progress.kind === "top"
      ? { kind: "top" as const, k: progress.value }
      : progress.kind === "adjacent"
        ? { kind: "adjacent" as const, delta: progress.value }
        : { kind: "votes" as const, votes: progress.value };
  const number = (n: number) => n.toLocaleString("en");
  return (
    <div className="space-y-3 text-sm" data-testid="stop-target">
      <p className="font-medium">
        <PlannedTargetText target={target} />
      </p>
      {progress.met ? (
        <div className="space-y-2 rounded bg-emerald-50 p-3 text-emerald-900" role="status" data-testid="stop-target-met">
          <p>{t("stopTarget.met", { date: progress.metAt!.slice(0, 10) })}</p>
          {campaign.status === "ACTIVE" && (
            <CampaignStatusControls campaignId={campaign.id} slug={campaign.slug} status={campaign.status} />
          )}
        </div>
      ) : (
        <div className="space-y-2" data-testid="stop-target-progress">
          {progress.projectedVotes ? (
            <>
              <p>{t("stopTarget.progress", { votes: number(progress.votesSoFar), projected: number(progress.projectedVotes) })}</p>
              <progress
                className="h-2 w-full"
                max={progress.projectedVotes}
                value={Math.min(progress.votesSoFar, progress.projectedVotes)}
                aria-label={t("stopTarget.progressLabel")}
              />
            </>
          ) : (
            <p>{t("stopTarget.progressUnknown", { votes: number(progress.votesSoFar) })}</p>
          )}
          <p data-testid="stop-target-date">
            {progress.votesPerDay > 0
              ? progress.projectedDate
                ? t("stopTarget.projected", { rate: number(Math.round(progress.votesPerDay * 10) / 10), date: progress.projectedDate })
                : null
              : t("stopTarget.noRecent")}
          </p>
        </div>
      )}
      <p className="text-slate-600">{t("stopTarget.how")}</p>
    </div>
  );
}
