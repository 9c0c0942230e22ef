import { researchCampaignFromRequest } from "@/lib/http/api-caller";
import { jsonError } from "@/lib/http/api-response";
import { ExportsBusy } from "@/lib/datasets/copy-votes";
import { exportVotes, toReadableStream } from "@/lib/datasets/export-votes";
import { CONTENT_TYPES, EXPORT_FORMATS, type ExportFormat } from "@/lib/datasets/write-formats";
import { parseFilters } from "@/lib/results/filters";

/**
 * GET /api/v1/campaigns/{slug}/votes?format=csv|jsonl|parquet[&filters as the leaderboard]: the
 * vote dataset in the Chatbot Arena schema, streamed from a database cursor. Token or session.
 * 503 (Retry-After) while the instance streams as many exports as it allows.
 */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const caller = await researchCampaignFromRequest(request, params);
  if ("response" in caller) return caller.response;
  const { campaign } = caller;
  const query = new URL(request.url).searchParams;
  const format = (query.get("format") ?? "csv") as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) return jsonError(400, "INVALID", `format must be one of ${EXPORT_FORMATS.join(", ")}`);
  const parsed = parseFilters(query);
  if (!parsed.ok) return jsonError(400, "INVALID", "invalid filters", parsed.errors);
  const via = request.headers.has("authorization") ? "api" : "web";
  let chunks;
  try {
    ({ chunks } = exportVotes(caller.user.id, campaign, parsed.filters, format, via));
  } catch (error) {
    if (!(error instanceof ExportsBusy)) throw error;
    const busy = jsonError(503, "EXPORTS_BUSY", "every export slot is in use: try again in a minute");
    busy.headers.set("Retry-After", "30");
    return busy;
  }
  return new Response(toReadableStream(chunks), {
    headers: {
      "Content-Type": CONTENT_TYPES[format],
      "Content-Disposition": `attachment; filename="${campaign.slug}-votes.${format}"`,
      "Cache-Control": "no-store",
    },
  });
}
