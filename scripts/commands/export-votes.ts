import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { studyPlanOf } from "@/lib/campaigns/study-plan";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { exportVotes } from "@/lib/datasets/export-votes";
import { EXPORT_FORMATS, type ExportFormat } from "@/lib/datasets/write-formats";
import { parseArgs, required, single, UsageError } from "../lib/cli-args";
import { campaignBySlug } from "../lib/campaign-arg";
import { FILTER_FLAGS, FILTER_OPTIONS, filtersFromArgs } from "../lib/filter-args";
import { USAGES } from "./usages";

export const usage = USAGES["export-votes"];

/** Streams the vote dataset to --out or stdout (waiting whenever the output is full); the row count goes to stderr. */
export async function exportVotesCommand(argv: string[]): Promise<void> {
  const { values, flags } = parseArgs(argv, {
    options: ["campaign", "format", "out", ...FILTER_OPTIONS],
    flags: [...FILTER_FLAGS, "judges"],
  });
  const campaign = await campaignBySlug(required(values, "campaign"));
  const format = required(values, "format") as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(", ")}.`);
  const filters = filtersFromArgs(values, flags);
  const withJudges = flags.has("judges");
  if (withJudges && format === "parquet") throw new UsageError("--judges works with --format csv or jsonl.");
  let outPath = single(values, "out");
  // A folder (existing, or given with a trailing slash): the votes and, beside them, the study plan.
  if (outPath && (outPath.endsWith("/") || (existsSync(outPath) && statSync(outPath).isDirectory()))) {
    mkdirSync(outPath, { recursive: true });
    const view = await studyPlanOf(campaign.id);
    writeFileSync(
      join(outPath, "study.json"),
      JSON.stringify({ campaign: campaign.slug, plan: view?.plan ?? null, changedSince: view?.changedSince ?? [] }, null, 2) + "\n",
    );
    outPath = join(outPath, `votes.${format}`);
  }
  if (!outPath && format === "parquet" && process.stdout.isTTY)
    throw new UsageError("Parquet is binary: give --out FILE or redirect stdout.");
  const out: Writable = outPath ? createWriteStream(outPath) : process.stdout;
  const { chunks, rows } = exportVotes(null, campaign, filters, format, "cli", { withJudges });
  for await (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, "drain");
  }
  if (outPath) {
    out.end();
    await once(out, "finish");
  }
  console.error(`exported ${rows()} ${withJudges ? "votes and verdicts" : "votes"}${outPath ? ` to ${outPath}` : ""}`);
}
