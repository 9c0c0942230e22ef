import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { battlesToCsv, simulateBattles } from "./ratings-data";

/**
 * `npm run bench:ratings-cli`: the `ratings` command end to end (start-up, reading and parsing a
 * 1M-row CSV, online Elo, Bradley–Terry and a 1,000-round bootstrap) against a numpy
 * implementation of the same method (bench/ratings_numpy.py), alternating in the same run.
 */
const VOTES = Number(process.env.BENCH_VOTES ?? 1_000_000);
const MODELS = Number(process.env.BENCH_MODELS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: "utf8", env, maxBuffer: 1 << 26 });
  const wallMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
  return { wallMs, stdout: result.stdout, stderr: result.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "hikaku-bench-ratings-cli-"));
try {
  const file = join(dir, "battles.csv");
  writeFileSync(file, battlesToCsv(simulateBattles({ votes: VOTES, models: MODELS, seed: 3 }).battles));
  const numpyVersion = timed("python3", ["-c", "import numpy; print(numpy.__version__)"]).stdout.trim();
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}, numpy ${numpyVersion}; ${VOTES.toLocaleString("en")} battles, ${MODELS} models, 1,000 rounds`,
  );
  const cli: number[] = [];
  const numpy: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const ours = timed("npm", ["run", "-s", "hikaku", "--", "ratings", "--input", file], { ...process.env, HIKAKU_TIMINGS: "1" });
    const phases = JSON.parse(ours.stderr.trim().split("\n").at(-1)!) as { startupMs: number; readAndParseMs: number; computeMs: number };
    cli.push(ours.wallMs);
    const theirs = timed("python3", ["bench/ratings_numpy.py", file]);
    const peer = JSON.parse(theirs.stdout) as { readAndParseMs: number; onlineEloMs: number; pointMs: number; bootstrapMs: number };
    numpy.push(theirs.wallMs);
    console.log(
      `run ${run + 1}: ratings command ${(ours.wallMs / 1000).toFixed(2)} s wall (node start-up and imports ${(phases.startupMs / 1000).toFixed(2)} s, read + parse ${(phases.readAndParseMs / 1000).toFixed(2)} s, compute ${(phases.computeMs / 1000).toFixed(2)} s; the rest is npm)` +
        ` · numpy ${(theirs.wallMs / 1000).toFixed(2)} s wall (read + parse ${(peer.readAndParseMs / 1000).toFixed(2)} s, online Elo ${(peer.onlineEloMs / 1000).toFixed(2)} s, bootstrap ${(peer.bootstrapMs / 1000).toFixed(2)} s)`,
    );
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(
    `median wall: ratings command ${(median(cli) / 1000).toFixed(2)} s, numpy ${(median(numpy) / 1000).toFixed(2)} s — ratio command / numpy = ${(median(cli) / median(numpy)).toFixed(2)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
