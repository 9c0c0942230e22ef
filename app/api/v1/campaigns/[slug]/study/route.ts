import { NextResponse } from "next/server";
import { studyPlanOf } from "@/lib/campaigns/study-plan";
import { researchCampaignFromRequest } from "@/lib/http/api-caller";

/**
 * GET /api/v1/campaigns/{slug}/study: the study plan recorded when the campaign first opened
 * (`{campaign, plan, changedSince}`, plan null before then), as `export-votes --out DIR` writes it
 * beside the votes in study.json. Token or session; 401/403/404 as JSON.
 */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const caller = await researchCampaignFromRequest(request, params);
  if ("response" in caller) return caller.response;
  const { campaign } = caller;
  const view = await studyPlanOf(campaign.id);
  return NextResponse.json(
    { campaign: campaign.slug, plan: view?.plan ?? null, changedSince: view?.changedSince ?? [] },
    { headers: { "Cache-Control": "no-store" } },
  );
}
