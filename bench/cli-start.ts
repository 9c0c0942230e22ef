import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { db, disconnectDb } from "@/lib/db";
import { importVotes } from "@/lib/datasets/import-votes";
import { battlesToCsv, simulateBattles } from "./ratings-data";
import { benchDatabase, percentile } from "./lib";

/**
 * `npm run bench:cli-start`: how long a CLI command takes from the shell, against the floor of
 * any Node program (`node -e 0`), alternating in the same run: `npm run hikaku -- help`, the same
 * without npm (`node scripts/cli.mjs help`), and `leaderboard` of a 1,000-vote campaign on a
 * throwaway database (cold: the result is recomputed for each run). Medians of BENCH_RUNS (7).
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function wallMs(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: "utf8", env });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
  return elapsed;
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

const database = await benchDatabase();
const dir = mkdtempSync(join(tmpdir(), "hikaku-bench-cli-"));
try {
  const campaign = await db.campaign.create({ data: { slug: "bench-cli", name: "cli start", status: "ACTIVE" } });
  const file = join(dir, "votes.csv");
  writeFileSync(file, battlesToCsv(simulateBattles({ votes: 1000, models: 8, seed: 1 }).battles));
  await importVotes(null, campaign.id, { path: file, format: "csv" });
  const env = { ...process.env, DATABASE_URL: database.url };
  // The bundle is made on the first run; the runs measured start from it.
  wallMs(process.execPath, ["--conditions=react-server", "scripts/cli.mjs", "help"], env);
  const runs = { node: [] as number[], npmHelp: [] as number[], help: [] as number[], leaderboard: [] as number[] };
  for (let run = 0; run < RUNS; run++) {
    runs.node.push(wallMs(process.execPath, ["-e", "0"]));
    runs.npmHelp.push(wallMs("npm", ["run", "-s", "hikaku", "--", "help"], env));
    runs.help.push(wallMs(process.execPath, ["--conditions=react-server", "scripts/cli.mjs", "help"], env));
    await db.resultCache.deleteMany({ where: { campaignId: campaign.id } });
    runs.leaderboard.push(wallMs("npm", ["run", "-s", "hikaku", "--", "leaderboard", "--campaign", "bench-cli"], env));
  }
  const floor = median(runs.node);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; medians of ${RUNS} runs`);
  for (const [label, values] of [
    ["node -e 0", runs.node],
    ["npm run hikaku -- help", runs.npmHelp],
    ["node scripts/cli.mjs help", runs.help],
    ["npm run hikaku -- leaderboard (1,000 votes, cold)", runs.leaderboard],
  ] as const) {
    const value = median(values);
    console.log(`${label.padEnd(52)} ${(value / 1000).toFixed(3)} s   ${(value / floor).toFixed(1)} × node -e 0`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await disconnectDb();
  await database.stop();
}
