import { jsonError, researchCampaignFromRequest } from "@/lib/auth/request-user";
import { exportVotes, toReadableStream } from "@/lib/datasets/export-votes";
import { CONTENT_TYPES, EXPORT_FORMATS, type ExportFormat } from "@/lib/datasets/write-formats";
import { parseFilters } from "@/lib/results/filters";

/**
 * GET /api/v1/campaigns/{slug}/votes?format=csv|jsonl|parquet[&filters as the leaderboard]: the
 * vote dataset in the Chatbot Arena schema, streamed from a database cursor. Token or session.
 */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const caller = await researchCampaignFromRequest(request, params);
  if ("response" in caller) return caller.response;
  const { campaign } = caller;
  const query = new URL(request.url).searchParams;
  const format = (query.get("format") ?? "csv") as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) return jsonError(400, `format must be one of ${EXPORT_FORMATS.join(", ")}`);
  const parsed = parseFilters(query);
  if (!parsed.ok) return jsonError(400, "invalid filters", { details: parsed.errors });
  const via = request.headers.has("authorization") ? "api" : "web";
  const { chunks } = exportVotes(caller.user.id, campaign, parsed.filters, format, via);
  return new Response(toReadableStream(chunks), {
    headers: {
      "Content-Type": CONTENT_TYPES[format],
      "Content-Disposition": `attachment; filename="${campaign.slug}-votes.${format}"`,
      "Cache-Control": "no-store",
    },
  });
}
