import { statSync } from "node:fs";
import { importVotes, VoteImportRejected } from "@/lib/datasets/import-votes";
import { formatFromName, IMPORT_FORMATS, type ImportFormat } from "@/lib/datasets/read-formats";
import { parseArgs, required, single, UsageError } from "../lib/cli-args";
import { campaignBySlug } from "../lib/campaign-arg";
import { USAGES } from "./usages";

export const usage = USAGES["import-votes"];

const LISTED = 50;

/**
 * Imports a battle log in the export schema; prints a JSON summary. A file with any problem is
 * rejected whole: every problem with its line on stderr, exit code 2, nothing saved.
 */
export async function importVotesCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs(argv, { options: ["campaign", "file", "format"] });
  const campaign = await campaignBySlug(required(values, "campaign"));
  const path = required(values, "file");
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`cannot read ${path}: no such file`);
  const format = (single(values, "format") ?? formatFromName(path)) as ImportFormat | null;
  if (!format || !IMPORT_FORMATS.includes(format))
    throw new UsageError(`cannot tell the format of ${path}: name it .csv, .jsonl or .parquet, or pass --format csv|jsonl|parquet.`);
  try {
    const summary = await importVotes(null, campaign.id, { path, format }, (message) => process.stderr.write(`${message}\n`));
    console.log(JSON.stringify(summary));
  } catch (error) {
    if (error instanceof VoteImportRejected) {
      const lines = error.errors.slice(0, LISTED).map((e) => `${path}:${e.line}: ${e.message}`);
      if (error.total > lines.length) lines.push(`… and ${error.total - lines.length} more`);
      throw new UsageError(`${error.message}:\n${lines.join("\n")}`);
    }
    throw error;
  }
}
