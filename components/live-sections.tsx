import { LiveBattleSummaryView, LiveModelForm, LiveModelTable } from "@/components/live-models";
import { getTranslator } from "@/lib/i18n/server";
import { listEndpoints, liveBattleSummary } from "@/lib/live/endpoints";

/** A live campaign's models (how each is reached, its workers' status) and how its battles ended. */
export async function LiveSections({ campaignId, slug }: { campaignId: string; slug: string }) {
  const [t, endpoints, summary] = await Promise.all([getTranslator(), listEndpoints(campaignId), liveBattleSummary(campaignId)]);
  const target = { campaignId, slug };
  return (
    <>
      <section className="card space-y-4">
        <h2 className="text-lg font-semibold">{t("liveModels.title")}</h2>
        <p className="text-sm text-slate-600">{t("liveModels.intro")}</p>
        <LiveModelTable target={target} endpoints={endpoints} />
        <h3 className="font-semibold">{t("liveModels.addTitle")}</h3>
        <LiveModelForm target={target} />
      </section>
      <section className="card">
        <h2 className="mb-3 text-lg font-semibold">{t("liveModels.battles.title")}</h2>
        <LiveBattleSummaryView summary={summary} />
      </section>
    </>
  );
}
