import { NextResponse } from "next/server";
import { targetJson, targetProgress } from "@/lib/campaigns/stop-target";
import { researchCampaignFromRequest } from "@/lib/http/api-caller";
import { jsonError } from "@/lib/http/api-response";
import { parseFilters } from "@/lib/results/filters";
import { groupBoards, parseGrouping } from "@/lib/results/groups";
import { AnchorNotFound, getLeaderboard } from "@/lib/results/leaderboard";
import { groupBoardsCsv, groupBoardsJson, leaderboardCsv, leaderboardJson } from "@/lib/results/output";

/**
 * GET /api/v1/campaigns/{slug}/leaderboard[?format=json|csv&category=…&from=…&to=…&bothBad=exclude
 * &flagged=include&anchor=…&anchorRating=…&style=on&(robustness=on | by=category|language&minBattles=N)]: the leaderboard
 * computed from the current votes, as the `leaderboard` command prints it (with `target`, the stopping target's progress). Token or session; 401/403/404/400 as JSON.
 */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const caller = await researchCampaignFromRequest(request, params);
  if ("response" in caller) return caller.response;
  const { campaign } = caller;
  const query = new URL(request.url).searchParams;
  const format = query.get("format") ?? "json";
  if (format !== "json" && format !== "csv") return jsonError(400, "INVALID", "format must be json or csv");
  const parsed = parseFilters(query);
  if (!parsed.ok) return jsonError(400, "INVALID", "invalid filters", parsed.errors);
  const grouping = parseGrouping(query);
  if (!grouping.ok) return jsonError(400, "INVALID", "invalid grouping", grouping.errors);
  if (grouping.by && parsed.filters.robustness) return jsonError(400, "INVALID", "by and robustness cannot be combined");
  try {
    const view = await getLeaderboard(campaign.id, parsed.filters, { untilFresh: true });
    if (view.state !== "ready") return jsonError(500, "INTERNAL", view.state === "failed" ? view.error : "the leaderboard is not ready");
    const headers = { "Cache-Control": "no-store" };
    const { by, minBattles } = grouping;
    if (by) {
      const { groups } = await groupBoards(campaign.id, parsed.filters, by, { minBattlesPerModel: minBattles, untilFresh: true });
      if (format === "csv")
        return new NextResponse(groupBoardsCsv(groups, parsed.filters.styleControl), {
          headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" },
        });
      const json = groupBoardsJson({ campaign: campaign.slug, filters: parsed.filters, view, by, minBattlesPerModel: minBattles, groups });
      return NextResponse.json(json, { headers });
    }
    if (format === "csv") {
      return new NextResponse(leaderboardCsv(view.board, view.styleControl, view.robustness), {
        headers: {
          ...headers,
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="${campaign.slug}-leaderboard.csv"`,
        },
      });
    }
    return NextResponse.json(
      {
        ...leaderboardJson(view.board, view.computedAt, parsed.filters, campaign.slug, view.styleControl, view.robustness),
        target: targetJson(await targetProgress(campaign.id)),
      },
      { headers },
    );
  } catch (error) {
    if (error instanceof AnchorNotFound)
      return jsonError(400, "INVALID", `the anchor model "${error.message}" has no votes under these filters`);
    throw error;
  }
}
