import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { campaignsOfMember } from "@/lib/campaigns/queries";
import { getTranslator } from "@/lib/i18n/server";

export default async function VoteHomePage() {
  const user = await requireRole("ANNOTATOR");
  const [t, campaigns] = await Promise.all([getTranslator(), campaignsOfMember(user.id)]);
  return (
    <section>
      <h1 className="text-2xl font-semibold">{t("vote.title")}</h1>
      {campaigns.length === 0 ? (
        <p className="card mt-4 text-slate-600">{t("vote.empty")}</p>
      ) : (
        <ul className="mt-4 grid gap-3 sm:grid-cols-2">
          {campaigns.map((campaign) => (
            <li key={campaign.slug} className="card flex items-center justify-between gap-3">
              <div>
                <h2 className="font-medium">{campaign.name}</h2>
                <p className="mt-1 text-sm text-slate-500">{t(`campaigns.statuses.${campaign.status}`)}</p>
              </div>
              {campaign.status === "ACTIVE" && (
                <Link href={`/vote/${campaign.slug}`} className="btn-primary">
                  {t("vote.open")}
                </Link>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
