import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseBattlesCsv } from "@/lib/ratings/battles-csv";
import { computeLeaderboard, ratingsJson } from "@/lib/ratings/leaderboard";
import { bootstrapThetasParallel } from "@/lib/ratings/parallel";
import { integerOption, parseArgs, required, single, UsageError } from "../lib/cli-args";
import { USAGES } from "./usages";

export const usage = USAGES["ratings"];

/**
 * Prints only JSON on stdout: {"votes", "rounds", "models": [{model, rating, ciLow, ciHigh,
 * onlineElo, rankUpperBound, battles}]} sorted by rating, descending. A contract: other tools parse it.
 */
export async function ratingsCommand(argv: string[]): Promise<void> {
  const { values, flags } = parseArgs(argv, { options: ["input", "rounds", "seed", "anchor", "threads"], flags: ["exclude-bothbad"] });
  const path = required(values, "input");
  const rounds = integerOption(values, "rounds", { min: 0, fallback: 1000 });
  const seed = integerOption(values, "seed", { min: 0, fallback: 0 });
  const threads = integerOption(values, "threads", { min: 1, fallback: availableParallelism() });
  const anchorArg = single(values, "anchor");
  let anchor: { model: string; rating: number } | undefined;
  if (anchorArg !== undefined) {
    const match = /^(.+)=(-?\d+(?:\.\d+)?)$/.exec(anchorArg);
    if (!match) throw new UsageError(`--anchor must look like NAME=RATING (got "${anchorArg}").`);
    anchor = { model: match[1], rating: Number(match[2]) };
  }

  const started = performance.now();
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const { battles } = parseBattlesCsv(text);
  const parsed = performance.now();
  if (anchor && !battles.some((b) => b.modelA === anchor.model || b.modelB === anchor.model)) {
    throw new UsageError(`the anchor model "${anchor.model}" does not appear in ${path}.`);
  }
  const board = await computeLeaderboard(battles, {
    rounds,
    seed,
    anchor,
    excludeBothBad: flags.has("exclude-bothbad"),
    runBootstrap: (input) => bootstrapThetasParallel(input, threads),
  });
  if (!board.identifiable) {
    console.error(
      "note: some model never won or never lost (or groups were never compared); ratings use a weak prior (see lib/ratings/bradley-terry.ts).",
    );
  }
  process.stdout.write(JSON.stringify(ratingsJson(board)) + "\n");
  // For benchmarks: where the time went (start-up = everything before this command began).
  if (process.env.HIKAKU_TIMINGS) {
    // performance.now() counts from this process's start.
    console.error(JSON.stringify({ startupMs: started, readAndParseMs: parsed - started, computeMs: performance.now() - parsed }));
  }
}
