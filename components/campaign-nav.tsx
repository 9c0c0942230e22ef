import Link from "next/link";
import { getTranslator } from "@/lib/i18n/server";

const SECTIONS = [
  ["overview", ""],
  ["leaderboard", "/leaderboard"],
  ["correlations", "/correlations"],
  ["judges", "/judges"],
  ["annotators", "/annotators"],
  ["corrections", "/corrections"],
  ["prompts", "/prompts"],
] as const;

export type CampaignSection = (typeof SECTIONS)[number][0];

/** The campaign's name and its sections as tabs, for every researcher page of a campaign. */
export async function CampaignNav({ slug, name, active }: { slug: string; name: string; active: CampaignSection }) {
  const t = await getTranslator();
  return (
    <div className="space-y-3">
      <div>
        <Link href="/campaigns" className="text-sm text-slate-600 underline">
          {t("campaigns.title")}
        </Link>
        <h1 className="text-2xl font-semibold">{name}</h1>
      </div>
      <nav aria-label={t("campaignNav.label")} className="border-b border-slate-200">
        <ul className="-mb-px flex flex-wrap gap-1 text-sm">
          {SECTIONS.map(([section, path]) => (
            <li key={section}>
              <Link
                href={`/campaigns/${slug}${path}`}
                aria-current={section === active ? "page" : undefined}
                className={
                  section === active
                    ? "block border-b-2 border-indigo-600 px-3 py-2 font-medium text-indigo-700"
                    : "block border-b-2 border-transparent px-3 py-2 text-slate-600 hover:text-slate-900"
                }
              >
                {t(`campaignNav.${section}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </div>
  );
}
