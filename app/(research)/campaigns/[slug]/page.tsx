import { notFound } from "next/navigation";
import { CampaignMembers } from "@/components/campaign-members";
import { CampaignNav } from "@/components/campaign-nav";
import { CampaignSettingsForm } from "@/components/campaign-settings-form";
import { CampaignStatusControls } from "@/components/campaign-status-controls";
import { ImportUploader } from "@/components/import-uploader";
import { LiveSections } from "@/components/live-sections";
import { VoteExportLinks } from "@/components/vote-export-links";
import { StopTargetPanel } from "@/components/stop-target-panel";
import { StudyPlanPanel } from "@/components/study-plan-panel";
import { targetProgress } from "@/lib/campaigns/stop-target";
import { studyPlanOf } from "@/lib/campaigns/study-plan";
import { requireRole } from "@/lib/auth/session";
import { researchCampaignBySlug } from "@/lib/campaigns/access";
import { campaignDetailBySlug } from "@/lib/campaigns/queries";
import { DEFAULT_FILTERS } from "@/lib/results/filters";
import { getTranslator } from "@/lib/i18n/server";

export default async function CampaignPage({ params }: { params: Promise<{ slug: string }> }) {
  const user = await requireRole("RESEARCHER");
  const { slug } = await params;
  // Campaigns this researcher neither created nor was added to look like missing ones.
  if (!(await researchCampaignBySlug(user, slug))) notFound();
  const [t, campaign] = await Promise.all([getTranslator(), campaignDetailBySlug(slug)]);
  if (!campaign) notFound();
  const [plan, progress] = await Promise.all([studyPlanOf(campaign.id), targetProgress(campaign.id)]);
  // A live campaign has no pairs waiting for votes: its annotators bring the prompts.
  const stats = [
    [t("campaignPage.stats.prompts"), campaign.counts.prompts],
    [t("campaignPage.stats.models"), campaign.counts.models],
    ...(campaign.live ? [] : [[t("campaignPage.stats.items"), campaign.itemCount] as const]),
    [t("campaignPage.stats.votes"), campaign.counts.votes],
    ...(campaign.live ? [] : [[t("campaignPage.stats.target"), campaign.itemCount * campaign.targetVotesPerItem] as const]),
  ] as const;
  return (
    <div className="space-y-6">
      <CampaignNav slug={campaign.slug} name={campaign.name} active="overview" />
      <div className="flex flex-wrap items-center gap-4">
        <p className="text-sm text-slate-600">
          <span className="font-mono">{campaign.slug}</span> ·{" "}
          <span data-testid="campaign-status">{t(`campaigns.statuses.${campaign.status}`)}</span>
        </p>
        <div className="ml-auto">
          <CampaignStatusControls campaignId={campaign.id} slug={campaign.slug} status={campaign.status} />
        </div>
      </div>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="campaign-stats">
        {stats.map(([label, value]) => (
          <div key={label} className="card p-4">
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className="text-xl font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      {campaign.live ? (
        <LiveSections campaignId={campaign.id} slug={campaign.slug} />
      ) : (
        <section className="card">
          <h2 className="mb-3 text-lg font-semibold">{t("imports.title")}</h2>
          <ImportUploader slug={campaign.slug} />
        </section>
      )}
      <section className="card">
        <h2 className="mb-3 text-lg font-semibold">{t("stopTarget.title")}</h2>
        <StopTargetPanel progress={progress} votesPerPair={campaign.targetVotesPerItem} campaign={campaign} />
      </section>
      <section className="card">
        <h2 className="mb-3 text-lg font-semibold">{t("studyPlan.title")}</h2>
        <StudyPlanPanel view={plan} slug={campaign.slug} />
      </section>
      <section className="card">
        <h2 className="mb-3 text-lg font-semibold">{t("exportPanel.title")}</h2>
        <VoteExportLinks slug={campaign.slug} filters={DEFAULT_FILTERS} />
      </section>
      <section className="card">
        <h2 className="mb-3 text-lg font-semibold">{t("campaignPage.members")}</h2>
        <CampaignMembers campaign={campaign} />
      </section>
      <section className="card">
        <h2 className="mb-3 text-lg font-semibold">{t("campaignPage.settings")}</h2>
        <CampaignSettingsForm campaign={campaign} />
      </section>
    </div>
  );
}
