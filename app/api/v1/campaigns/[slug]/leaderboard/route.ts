import { NextResponse } from "next/server";
import { jsonError, researchCampaignFromRequest } from "@/lib/auth/request-user";
import { parseFilters } from "@/lib/results/filters";
import { AnchorNotFound, getLeaderboard } from "@/lib/results/leaderboard";
import { leaderboardCsv, leaderboardJson } from "@/lib/results/output";

/**
 * GET /api/v1/campaigns/{slug}/leaderboard[?format=json|csv&category=…&from=…&to=…&bothBad=exclude
 * &flagged=include&anchor=…&anchorRating=…&style=on]: the leaderboard computed from the current votes, as
 * the `leaderboard` command prints it. Token or session; 401/403/404/400 as JSON.
 */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const caller = await researchCampaignFromRequest(request, params);
  if ("response" in caller) return caller.response;
  const { campaign } = caller;
  const query = new URL(request.url).searchParams;
  const format = query.get("format") ?? "json";
  if (format !== "json" && format !== "csv") return jsonError(400, "format must be json or csv");
  const parsed = parseFilters(query);
  if (!parsed.ok) return jsonError(400, "invalid filters", { details: parsed.errors });
  try {
    const view = await getLeaderboard(campaign.id, parsed.filters, { untilFresh: true });
    if (view.state !== "ready") return jsonError(500, view.state === "failed" ? view.error : "the leaderboard is not ready");
    const headers = { "Cache-Control": "no-store" };
    if (format === "csv") {
      return new NextResponse(leaderboardCsv(view.board, view.styleControl), {
        headers: {
          ...headers,
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="${campaign.slug}-leaderboard.csv"`,
        },
      });
    }
    return NextResponse.json(leaderboardJson(view.board, view.computedAt, parsed.filters, campaign.slug, view.styleControl), { headers });
  } catch (error) {
    if (error instanceof AnchorNotFound) return jsonError(400, `the anchor model "${error.message}" has no votes under these filters`);
    throw error;
  }
}
