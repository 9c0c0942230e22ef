import { readFileSync } from "node:fs";
import { importScores, ScoresRejected } from "@/lib/benchmarks/scores";
import { parseArgs, required, UsageError } from "../lib/cli-args";
import { campaignBySlug } from "../lib/campaign-arg";
import { USAGES } from "./usages";

export const usage = USAGES["import-scores"];

/** Prints a JSON summary; a bad file prints every problem with its line and exits 2, saving nothing. */
export async function importScoresCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs(argv, { options: ["file", "campaign"] });
  const path = required(values, "file");
  const slug = required(values, "campaign");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const campaignId = (await campaignBySlug(slug)).id;
  try {
    console.log(JSON.stringify(await importScores(null, text, { campaignId })));
  } catch (error) {
    if (error instanceof ScoresRejected)
      throw new UsageError(`${error.message}:\n${error.errors.map((e) => `${path}:${e.line}: ${e.message}`).join("\n")}`);
    throw error;
  }
}
