import { db } from "@/lib/db";
import { UsageError } from "./cli-args";

/** The campaign a CLI command names with --campaign, or a usage error that says how to create it. */
export async function campaignBySlug(slug: string): Promise<{ id: string; slug: string }> {
  const campaign = await db.campaign.findUnique({ where: { slug }, select: { id: true, slug: true } });
  if (!campaign)
    throw new UsageError(`There is no campaign "${slug}". Create it first: npm run hikaku -- campaign create --slug ${slug} --name …`);
  return campaign;
}
