import Link from "next/link";
import { CampaignCreateForm } from "@/components/campaign-create-form";
import { requireRole } from "@/lib/auth/session";
import { listCampaignSummaries } from "@/lib/campaigns/queries";
import { getTranslator } from "@/lib/i18n/server";

export default async function CampaignsPage() {
  const user = await requireRole("RESEARCHER");
  const [t, campaigns] = await Promise.all([getTranslator(), listCampaignSummaries(user)]);
  return (
    <section>
      <h1 className="text-2xl font-semibold">{t("campaigns.title")}</h1>
      <div className="card mt-4">
        <h2 className="mb-3 text-lg font-semibold">{t("campaignPage.new")}</h2>
        <CampaignCreateForm />
      </div>
      {campaigns.length === 0 ? (
        <p className="card mt-4 text-slate-600">{t("campaigns.empty")}</p>
      ) : (
        <table className="mt-4 w-full overflow-hidden rounded-lg bg-white text-sm shadow-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-3 py-2">{t("campaigns.name")}</th>
              <th className="px-3 py-2">{t("campaigns.slug")}</th>
              <th className="px-3 py-2">{t("campaigns.status")}</th>
              <th className="px-3 py-2 text-right">{t("campaigns.prompts")}</th>
              <th className="px-3 py-2 text-right">{t("campaigns.members")}</th>
              <th className="px-3 py-2 text-right">{t("campaigns.votes")}</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.map((campaign) => (
              <tr key={campaign.id} className="border-t border-slate-100">
                <td className="px-3 py-2 font-medium">
                  <Link href={`/campaigns/${campaign.slug}`} className="text-indigo-700 underline">
                    {campaign.name}
                  </Link>
                </td>
                <td className="px-3 py-2 font-mono text-xs">{campaign.slug}</td>
                <td className="px-3 py-2">{t(`campaigns.statuses.${campaign.status}`)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{campaign.prompts}</td>
                <td className="px-3 py-2 text-right tabular-nums">{campaign.members}</td>
                <td className="px-3 py-2 text-right tabular-nums">{campaign.votes}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
