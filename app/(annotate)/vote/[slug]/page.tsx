import { notFound } from "next/navigation";
import { VotingSession } from "@/components/voting-session";
import { requireRole } from "@/lib/auth/session";
import { votingCampaignBySlug } from "@/lib/campaigns/queries";
import { getTranslator } from "@/lib/i18n/server";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";

export default async function VotePage({ params }: { params: Promise<{ slug: string }> }) {
  const user = await requireRole("ANNOTATOR");
  const { slug } = await params;
  const campaign = await votingCampaignBySlug(slug, user.id);
  // Non-members get the same answer as for a campaign that does not exist.
  if (!campaign) notFound();
  const [t, first] = await Promise.all([getTranslator(), nextAssignmentFor(user.id, campaign.id)]);
  return (
    <section>
      <h1 className="sr-only">{t("voting.title", { campaign: campaign.name })}</h1>
      <VotingSession campaign={campaign} initial={first} />
    </section>
  );
}
