import { createWriteStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { once } from "node:events";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { hashPassword } from "@/lib/auth/password";
import { importVotes } from "@/lib/datasets/import-votes";
import { db, disconnectDb } from "@/lib/db";
import type { StoredFit } from "@/lib/results/result-cache";
import { benchDatabase, groupRssMb, ms, percentile, Session, startAppServer, waitForServer } from "./lib";
import { simulateBattles } from "./ratings-data";

/**
 * `npm run build && npm run bench:results`: the researcher's side at 1,000,000 votes and 100
 * models — import-votes of a 1M-row battle log, the leaderboard computed cold from the database
 * (1,000 bootstrap rounds), the leaderboard page served warm over HTTP, and the vote export
 * streamed over HTTP in each format while the app's memory is sampled.
 */
const VOTES = Number(process.env.BENCH_VOTES ?? 1_000_000);
const MODELS = Number(process.env.BENCH_MODELS ?? 100);
const PAGE_REQUESTS = Number(process.env.BENCH_PAGE_REQUESTS ?? 200);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 3);
const PASSWORD = "bench-password-123";
const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`;

async function writeBattleLog(path: string): Promise<void> {
  const { battles } = simulateBattles({ votes: VOTES, models: MODELS, seed: 7 });
  const out = createWriteStream(path);
  out.write("question_id,model_a,model_b,winner,judge,tstamp,category\n");
  let chunk = "";
  for (let i = 0; i < battles.length; i++) {
    const b = battles[i];
    chunk += `q${i % 5000},${b.modelA},${b.modelB},${b.winner},judge-${i % 300},${1_700_000_000 + i * 0.5},cat-${i % 8}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}

if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npm run build` first.");
const database = await benchDatabase();
const dir = mkdtempSync(join(tmpdir(), "hikaku-bench-results-"));
let server: Awaited<ReturnType<typeof startAppServer>> | null = null;
try {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; app, PostgreSQL and client share the machine`);
  const owner = await db.user.create({
    data: { email: "owner@bench.example", displayName: "owner", role: "RESEARCHER", passwordHash: await hashPassword(PASSWORD) },
  });
  const campaign = await db.campaign.create({ data: { slug: "bench-results", name: "bench", createdById: owner.id } });
  const log = join(dir, "battles.csv");
  await writeBattleLog(log);

  let started = performance.now();
  const summary = await importVotes(null, campaign.id, { path: log, format: "csv" });
  const importMs = performance.now() - started;
  console.log(
    `import-votes: ${summary.votesAdded.toLocaleString("en")} rows in ${seconds(importMs)} (${Math.round(summary.rows / (importMs / 1000)).toLocaleString("en")} rows/s)`,
  );

  await disconnectDb();
  server = await startAppServer(database.url);
  await waitForServer(`${server.base}/sign-in`);
  const session = new Session(server.base);
  await session.signIn(owner.email, PASSWORD);

  // Cold: no stored result; the app computes it (its bundled bootstrap workers) before answering.
  const cold: number[] = [];
  for (let run = 0; run < COLD_RUNS; run++) {
    await db.resultCache.deleteMany({ where: { campaignId: campaign.id } });
    started = performance.now();
    const response = await session.fetch(`/api/v1/campaigns/${campaign.slug}/leaderboard`);
    const board = (await response.json()) as { votes: number; models: unknown[] };
    cold.push(performance.now() - started);
    const stored = await db.resultCache.findFirstOrThrow({ where: { campaignId: campaign.id }, select: { result: true } });
    const { timings } = stored.result as unknown as StoredFit;
    console.log(
      `cold leaderboard, run ${run + 1}: ${seconds(cold[run])} to the finished table (aggregate query ${ms(timings.countsMs)}; online Elo stream ${ms(timings.eloMs)} and bootstrap alongside it, all done at ${ms(timings.fitMs)}) — ${board.votes.toLocaleString("en")} votes, ${board.models.length} models`,
    );
  }
  cold.sort((a, b) => a - b);
  console.log(`cold leaderboard, median of ${COLD_RUNS}: ${seconds(cold[Math.floor(COLD_RUNS / 2)])}`);
  await disconnectDb();

  const path = `/campaigns/${campaign.slug}/leaderboard`;
  const first = await session.fetch(path);
  if (first.status !== 200) throw new Error(`leaderboard page answered ${first.status}`);
  const html = await first.text();
  if (!html.includes('data-testid="leaderboard-table"')) throw new Error("the leaderboard page has no table (not computed?)");
  const latencies: number[] = [];
  for (let i = 0; i < PAGE_REQUESTS; i++) {
    const t = performance.now();
    const response = await session.fetch(path);
    await response.arrayBuffer();
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `warm leaderboard page (${PAGE_REQUESTS} sequential requests, ${(html.length / 1024).toFixed(0)} KB of HTML): p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}`,
  );

  // Each export runs on a fresh app instance (signed in, so its code is loaded), so its memory says
  // what streaming that format costs, not what earlier pages or exports left behind.
  // As curl, pandas or a script fetch it: uncompressed (a browser asks for gzip, which costs the server CPU).
  for (const format of ["csv", "jsonl", "parquet"] as const) {
    server.stop();
    server = await startAppServer(database.url);
    await waitForServer(`${server.base}/sign-in`);
    const exporter = new Session(server.base);
    await exporter.signIn(owner.email, PASSWORD);
    let peak = groupRssMb(server.pid);
    const baseline = peak;
    const sampler = setInterval(() => (peak = Math.max(peak, groupRssMb(server!.pid))), 50);
    started = performance.now();
    const response = await exporter.fetch(`/api/v1/campaigns/${campaign.slug}/votes?format=${format}`, {
      headers: { "accept-encoding": "identity" },
    });
    let bytes = 0;
    for await (const chunk of response.body!) bytes += (chunk as Uint8Array).byteLength;
    const elapsed = performance.now() - started;
    clearInterval(sampler);
    console.log(
      `export ${format.padEnd(7)}: ${VOTES.toLocaleString("en")} rows, ${(bytes / 1e6).toFixed(0)} MB in ${seconds(elapsed)} = ${Math.round(VOTES / (elapsed / 1000)).toLocaleString("en")} rows/s; app RSS ${baseline.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB`,
    );
  }
} finally {
  server?.stop();
  await disconnectDb();
  await database.stop();
  rmSync(dir, { recursive: true, force: true });
}
