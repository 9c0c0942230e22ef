import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { formatImportErrors } from "@/lib/imports/rows";
import { importJudgments, JudgmentsRejected } from "@/lib/judges/import-judgments";
import { campaignBySlug } from "../lib/campaign-arg";
import { parseArgs, required, single, UsageError } from "../lib/cli-args";
import { USAGES } from "./usages";

export const usage = USAGES.judge;

/**
 * `judge import`: one of FastChat's judgment files as an imported judge's verdicts; prints a JSON
 * summary. A bad file prints every problem with its line and exits 2, saving nothing.
 */
export async function judgeCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== "import") throw new UsageError(`Usage:\n  ${usage}`);
  const { values } = parseArgs(rest, { options: ["campaign", "file", "name"], flags: [] });
  const path = required(values, "file");
  const campaign = await campaignBySlug(required(values, "campaign"));
  let content: string;
  try {
    content = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    const summary = await importJudgments(null, campaign.id, content, { source: basename(path), name: single(values, "name") });
    process.stdout.write(JSON.stringify({ campaign: campaign.slug, ...summary }) + "\n");
  } catch (error) {
    if (error instanceof JudgmentsRejected) throw new UsageError(`${error.message}:\n${formatImportErrors(error.errors)}`);
    throw error;
  }
}
