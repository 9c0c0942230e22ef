import { db } from "@/lib/db";
import { duplicateReport } from "@/lib/prompts/duplicates";
import { setPromptExcluded } from "@/lib/prompts/exclusion";
import { campaignBySlug } from "../lib/campaign-arg";
import { parseArgs, required, single, UsageError } from "../lib/cli-args";
import { csvCell } from "@/lib/csv/write";
import { USAGES } from "./usages";

export const usage = USAGES["prompts"];

/**
 * `prompts duplicates`: JSON `{campaign, prompts, duplicates, exact, near, pairs: [{prompt,
 * duplicateOf, kind, similarity, votes}]}` (prompt ids as imported; live prompts' own ids), or CSV
 * of the pairs. `--exclude-duplicates` on the leaderboard and the export leaves their votes out.
 */
export async function promptsCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === "exclude" || action === "include") return exclusionCommand(action, rest);
  if (action !== "duplicates") throw new UsageError(`Usage:\n  ${usage}`);
  const { values } = parseArgs(rest, { options: ["campaign", "format"], flags: [] });
  const format = single(values, "format") ?? "json";
  if (format !== "json" && format !== "csv") throw new UsageError("--format must be json or csv.");
  const campaign = await campaignBySlug(required(values, "campaign"));
  const report = await duplicateReport(campaign.id);
  if (format === "json") {
    process.stdout.write(JSON.stringify({ campaign: campaign.slug, ...report }) + "\n");
    return;
  }
  const lines = ["prompt,duplicate_of,kind,similarity,votes"];
  for (const pair of report.pairs)
    lines.push([pair.prompt, pair.duplicateOf, pair.kind, pair.similarity, pair.votes].map(csvCell).join(","));
  process.stdout.write(lines.join("\n") + "\n");
}

/** `prompts exclude|include`: prints `{"campaign", "prompt", "excluded"}`. */
async function exclusionCommand(action: "exclude" | "include", argv: string[]): Promise<void> {
  const { values } = parseArgs(argv, { options: ["campaign", "prompt", ...(action === "exclude" ? ["reason"] : [])], flags: [] });
  const campaign = await campaignBySlug(required(values, "campaign"));
  const externalId = required(values, "prompt");
  const reason = single(values, "reason")?.trim() || null;
  if (reason && reason.length > 500) throw new UsageError("--reason is at most 500 characters.");
  const prompt = await db.prompt.findUnique({
    where: { campaignId_externalId: { campaignId: campaign.id, externalId } },
    select: { id: true },
  });
  if (!prompt) throw new UsageError(`campaign ${campaign.slug} has no prompt "${externalId}".`);
  await setPromptExcluded(null, campaign.id, prompt.id, action === "exclude", reason);
  process.stdout.write(JSON.stringify({ campaign: campaign.slug, prompt: externalId, excluded: action === "exclude" }) + "\n");
}
