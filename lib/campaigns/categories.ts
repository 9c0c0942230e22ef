import "server-only";
import { db } from "@/lib/db";

/** Categories a results filter can choose from: the prompts' and those imported votes brought. */
export async function campaignCategories(campaignId: string): Promise<string[]> {
  const [prompts, campaign] = await Promise.all([
    db.prompt.findMany({ where: { campaignId, category: { not: null } }, select: { category: true }, distinct: ["category"] }),
    db.campaign.findUnique({ where: { id: campaignId }, select: { voteCategories: true } }),
  ]);
  return [...new Set([...prompts.map((p) => p.category!), ...(campaign?.voteCategories ?? [])])].sort();
}
