import { readFileSync } from "node:fs";
import { slugSchema } from "@/lib/campaigns/settings";
import { simulate, SimulationError } from "@/lib/simulation/simulate";
import type { Strategy } from "@/lib/simulation/study";
import { truthSchema } from "@/lib/simulation/truth";
import { goalFromArg } from "../lib/goal-arg";
import { integerOption, parseArgs, required, single, UsageError } from "../lib/cli-args";
import { USAGES } from "./usages";

export const usage = USAGES.simulate;

const STRATEGY: Record<string, Strategy> = { uniform: "UNIFORM", balanced: "BALANCED", active: "ACTIVE" };

function rate(values: Map<string, string[]>, name: string, fallback: number): number {
  const value = single(values, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!(parsed >= 0 && parsed <= 1)) throw new UsageError(`--${name} must be a share between 0 and 1 (got "${value}").`);
  return parsed;
}

function readTruth(path: string) {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`cannot read --truth ${path}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`--truth ${path} is not JSON: it should be {"model": rating, ...}.`);
  }
  const truth = truthSchema.safeParse(json);
  if (!truth.success)
    throw new UsageError(
      `--truth ${path}: ${truth.error.issues.map((i) => `${i.path.join(".") || "file"}: ${i.message}`).join("; ")} (expected {"model": rating, ...}).`,
    );
  return truth.data;
}

/**
 * Prints `{campaign, strategy, seed, votes, exhausted, firstVoteAt, lastVoteAt}` on stdout and
 * its progress on stderr.
 */
export async function simulateCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs(argv, {
    options: [
      "slug",
      "truth",
      "votes",
      "strategy",
      "annotators",
      "prompts",
      "seed",
      "tie",
      "bothbad",
      "noisy-annotators",
      "votes-per-day",
      "daily-cap",
      "goal",
    ],
  });
  const slug = slugSchema.safeParse(required(values, "slug"));
  if (!slug.success) throw new UsageError("--slug must be 2–60 lowercase letters, digits and dashes.");
  const truth = readTruth(required(values, "truth"));
  const votes = integerOption(values, "votes", { min: 1, fallback: undefined });
  if (votes === undefined) throw new UsageError("--votes is required.");
  if (votes > 1_000_000) throw new UsageError("--votes is at most 1000000.");
  const strategyName = single(values, "strategy") ?? "active";
  const strategy = STRATEGY[strategyName];
  if (!strategy) throw new UsageError("--strategy must be uniform, balanced or active.");
  const annotators = integerOption(values, "annotators", { min: 1, fallback: 20 });
  if (annotators > 1000) throw new UsageError("--annotators is at most 1000.");
  const prompts = integerOption(values, "prompts", { min: 1, fallback: 50 });
  if (prompts > 10_000) throw new UsageError("--prompts is at most 10000.");
  const seed = integerOption(values, "seed", { min: 0, fallback: 1 });
  const tie = rate(values, "tie", 0.15);
  const bothBad = rate(values, "bothbad", 0.05);
  if (tie + bothBad >= 1) throw new UsageError("--tie and --bothbad must leave room for decisive votes (their sum below 1).");
  const noisyShare = rate(values, "noisy-annotators", 0);
  // Up to one vote every 8.6 s: a simulated annotator then never meets the per-minute limit.
  const votesPerDay = integerOption(values, "votes-per-day", { min: 1, fallback: 200 });
  if (votesPerDay > 10_000) throw new UsageError("--votes-per-day is at most 10000.");
  const dailyCap = integerOption(values, "daily-cap", { min: 1, fallback: null });
  const goal = goalFromArg(single(values, "goal"));

  const started = performance.now();
  let result;
  try {
    result = await simulate(
      {
        slug: slug.data,
        truth,
        strategy,
        votes,
        annotators,
        prompts,
        seed,
        rates: { tie, bothBad },
        noisyShare,
        votesPerDay,
        dailyCap,
        goal,
      },
      (vote) => {
        const cast = vote.index + 1;
        if (cast % 1000 === 0 || cast === votes)
          process.stderr.write(`simulate: ${cast}/${votes} votes (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
      },
    );
  } catch (error) {
    if (error instanceof SimulationError) throw new UsageError(error.message);
    throw error;
  }
  if (result.exhausted)
    process.stderr.write(
      `simulate: no pair was left for any annotator after ${result.cast} votes: add --prompts or --annotators for more.\n`,
    );
  process.stdout.write(
    JSON.stringify({
      campaign: slug.data,
      strategy: strategyName,
      seed,
      votes: result.cast,
      exhausted: result.exhausted,
      firstVoteAt: result.firstAt?.toISOString() ?? null,
      lastVoteAt: result.lastAt?.toISOString() ?? null,
    }) + "\n",
  );
}
