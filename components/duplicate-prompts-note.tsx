import Link from "next/link";
import { getTranslator } from "@/lib/i18n/server";

/** How many prompts repeat an earlier one, with a link that leaves their votes out of the results (or counts them again). */
export async function DuplicatePromptsNote({
  counts,
  excluded,
  href,
}: {
  counts: { prompts: number; exact: number; near: number };
  excluded: boolean;
  /** The same page with the duplicates filter switched. */
  href: string;
}) {
  const t = await getTranslator();
  const repeats = counts.exact + counts.near;
  if (repeats === 0) return null;
  return (
    <p className="text-sm" data-testid="duplicate-prompts">
      {t("duplicates.summary", { repeats, prompts: counts.prompts, exact: counts.exact, near: counts.near })}{" "}
      {excluded ? t("duplicates.excluded") : t("duplicates.included")}{" "}
      <Link href={href} className="underline">
        {excluded ? t("duplicates.includeLink") : t("duplicates.excludeLink")}
      </Link>
    </p>
  );
}
