import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { MissingEncryptionKey } from "@/lib/live/secrets";
import { BUILT_IN_PROMPTS } from "@/lib/judges/judge-prompts";
import { JudgeBusy, judgeSetupSchema, runJudge, setUpRunJudge, type RunProgress } from "@/lib/judges/run";
import { formatImportErrors } from "@/lib/imports/rows";
import { importJudgments, JudgmentsRejected } from "@/lib/judges/import-judgments";
import { campaignBySlug } from "../lib/campaign-arg";
import { integerOption, parseArgs, required, single, UsageError } from "../lib/cli-args";
import { USAGES } from "./usages";

export const usage = USAGES.judge;

/**
 * `judge import`: one of FastChat's judgment files as an imported judge's verdicts; prints a JSON
 * summary. A bad file prints every problem with its line and exits 2, saving nothing.
 */
export async function judgeCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === "run") return judgeRunCommand(rest);
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

/** A one-line progress bar on stderr (redrawn in place on a terminal, a line per tenth otherwise). */
function progressReporter(): (progress: RunProgress) => void {
  let lastTenth = -1;
  return ({ total, done, failed, tokens }) => {
    const share = total ? done / total : 1;
    const width = 30;
    const bar = "#".repeat(Math.round(share * width)).padEnd(width, ".");
    const line = `[${bar}] ${done}/${total} judged, ${failed} failed, ${tokens} tokens`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${done === total ? "\n" : ""}`);
    else if (Math.floor(share * 10) !== lastTenth || done === total) {
      lastTenth = Math.floor(share * 10);
      process.stderr.write(`${line}\n`);
    }
  };
}

/**
 * `judge run`: sets up (or updates) a judge Hikaku runs against an OpenAI-compatible endpoint and
 * judges what it has not judged yet; prints `{campaign, judge, total, judged, failed, tokens}`.
 */
async function judgeRunCommand(argv: string[]): Promise<void> {
  const { values, flags } = parseArgs(argv, {
    options: ["campaign", "name", "base-url", "api-model", "api-key-env", "prompt", "limit", "concurrency"],
    flags: ["no-swap"],
  });
  const keyVariable = single(values, "api-key-env");
  const apiKey = keyVariable === undefined ? undefined : process.env[keyVariable];
  if (keyVariable !== undefined && !apiKey) throw new UsageError(`--api-key-env ${keyVariable}: that environment variable is not set.`);
  const promptArg = single(values, "prompt") ?? "pair";
  let prompt: (typeof BUILT_IN_PROMPTS)[number] | { name: string; system: string };
  if ((BUILT_IN_PROMPTS as readonly string[]).includes(promptArg)) prompt = promptArg as (typeof BUILT_IN_PROMPTS)[number];
  else {
    try {
      prompt = { name: basename(promptArg), system: readFileSync(promptArg, "utf8") };
    } catch (error) {
      throw new UsageError(
        `--prompt is pair, pair-ja or a file of your own system prompt; cannot read ${promptArg}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
  }
  const input = judgeSetupSchema.safeParse({
    name: required(values, "name"),
    baseUrl: required(values, "base-url"),
    apiModel: single(values, "api-model"),
    apiKey,
    prompt,
    swap: !flags.has("no-swap"),
  });
  if (!input.success) throw new UsageError(input.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "));
  const limit = integerOption(values, "limit", { min: 1, fallback: undefined });
  const concurrency = integerOption(values, "concurrency", { min: 1, fallback: 4 });
  if (concurrency > 64) throw new UsageError("--concurrency is at most 64.");
  const campaign = await campaignBySlug(required(values, "campaign"));
  let setUp;
  try {
    setUp = await setUpRunJudge(null, campaign.id, input.data);
  } catch (error) {
    if (error instanceof MissingEncryptionKey) throw new UsageError(error.message);
    throw error;
  }
  if (!setUp.ok && setUp.code === "URL_REFUSED") throw new UsageError(`--base-url refused: ${setUp.message}.`);
  if (!setUp.ok) throw new UsageError(`judge ${input.data.name} was imported: give the judge you run another --name.`);
  let progress: RunProgress;
  try {
    progress = await runJudge(setUp.judgeId, { limit, concurrency, onProgress: progressReporter() });
  } catch (error) {
    if (error instanceof JudgeBusy) throw new UsageError(error.message);
    throw error;
  }
  process.stdout.write(
    JSON.stringify({
      campaign: campaign.slug,
      judge: input.data.name,
      total: progress.total,
      judged: progress.done,
      failed: progress.failed,
      tokens: progress.tokens,
    }) + "\n",
  );
}
