import { spawn } from "node:child_process";
import { once } from "node:events";
import { cpus } from "node:os";
import { createInterface } from "node:readline";
import { db, disconnectDb, sql } from "@/lib/db";
import { importRows } from "@/lib/imports/write";
import { rowsFromJsonl } from "@/lib/imports/rows";
import { agreementReport } from "@/lib/judges/agreement";
import { runJudge, setUpRunJudge } from "@/lib/judges/run";
import { DEFAULT_FILTERS } from "@/lib/results/filters";
import { benchDatabase, generateRows, ms, percentile } from "./lib";

/**
 * `npm run bench:agreement`: the Judges page's two costs. (1) `agreement` from the database for
 * 100,000 human votes and three judges with a verdict on every pair (1,000 prompts × 8 models, 28
 * pairs each): each judge against the humans and the humans against each other, 1,000 bootstrap
 * rounds each; goal ≤ 1 s. (2) The app's own CPU per judge call while a run judges against an
 * OpenAI-compatible server in another process that answers at once: goal ≤ 5 ms.
 */
const PROMPTS = Number(process.env.BENCH_PROMPTS ?? 1000);
const MODELS = Number(process.env.BENCH_MODELS ?? 8);
const VOTES = Number(process.env.BENCH_VOTES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CALL_UNITS = Number(process.env.BENCH_CALL_UNITS ?? 500);

// The model server of part (2) listens on this machine; read once with the rest of the environment.
process.env.HIKAKU_ALLOWED_MODEL_HOSTS = "127.0.0.1";
const database = await benchDatabase();
try {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; PostgreSQL shares the machine`);
  const campaign = await db.campaign.create({ data: { slug: "bench-agreement", name: "bench" } });
  await importRows(null, campaign.id, rowsFromJsonl(generateRows(PROMPTS, MODELS), "bench", []));
  // Human votes, as an annotator's would be stored: on the campaign's pairs, winners drawn at random.
  await sql.$executeRaw`SELECT setseed(0.42)`;
  await sql.$executeRaw`
    INSERT INTO "Vote" (id, "campaignId", "promptId", "modelAId", "modelBId", outcome, winner, judge, turn, "createdAt")
    SELECT gen_random_uuid(), i."campaignId", i."promptId", i."lowModelId", i."highModelId", 'LEFT',
           (ARRAY['MODEL_A', 'MODEL_B', 'TIE', 'TIE_BOTHBAD']::"Winner"[])[1 + floor(random() * 4)::int], 'human-' || (n % 50), 1,
           now() - make_interval(secs => n)
    FROM generate_series(1, ${VOTES}) AS n
    JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS items, * FROM "Item" WHERE "campaignId" = ${campaign.id}::uuid) i
      ON i.k = (n * 7919) % i.items`;
  for (const name of ["judge-1", "judge-2", "judge-3"]) {
    const judge = await db.judge.create({ data: { campaignId: campaign.id, name, kind: "IMPORTED" } });
    await sql.$executeRaw`
      INSERT INTO "Verdict" (id, "judgeId", "promptId", "modelAId", "modelBId", turn, winner, g1, g2, inconsistent)
      SELECT gen_random_uuid(), ${judge.id}::uuid, "promptId", "lowModelId", "highModelId", 1,
             (ARRAY['MODEL_A', 'MODEL_B', 'TIE']::"Winner"[])[1 + floor(random() * 3)::int], 'model_a', 'model_a', false
      FROM "Item" WHERE "campaignId" = ${campaign.id}::uuid`;
  }
  await sql.$executeRaw`ANALYZE`;
  const [{ votes, verdicts }] = await sql.$queryRaw<{ votes: number; verdicts: number }[]>`
    SELECT (SELECT count(*) FROM "Vote")::int AS votes, (SELECT count(*) FROM "Verdict")::int AS verdicts`;

  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const report = await agreementReport(campaign.id, DEFAULT_FILTERS);
    times.push(performance.now() - started);
    if (run === 0)
      console.log(
        `agreement: ${votes.toLocaleString("en")} human votes, ${verdicts.toLocaleString("en")} verdicts of ${report.judges.length} judges; ` +
          `judge-1 turn 1 with ties ${report.judges[0].turns[0].withTie.agree}/${report.judges[0].turns[0].withTie.total}`,
      );
  }
  times.sort((a, b) => a - b);
  console.log(`agreement from the database: median ${ms(percentile(times, 50))}, best ${ms(times[0])} over ${RUNS} runs (goal ≤ 1000 ms)`);

  // (2) A judge run against a model server in its own process, answering at once.
  const server = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "bench/fake-model-server.ts"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [baseUrl] = (await once(createInterface({ input: server.stdout! }), "line")) as [string];
  try {
    const setUp = await setUpRunJudge(null, campaign.id, {
      name: "bench-run",
      baseUrl,
      apiModel: "judge-longer-bench",
      prompt: "pair",
      swap: true,
    });
    if (!setUp.ok) throw new Error(setUp.code);
    // A first run warms the code paths up; the second is measured.
    await runJudge(setUp.judgeId, { limit: 20, concurrency: 8 });
    const cpu = process.cpuUsage();
    const started = performance.now();
    const progress = await runJudge(setUp.judgeId, { limit: CALL_UNITS, concurrency: 8 });
    const used = process.cpuUsage(cpu);
    const wall = performance.now() - started;
    const calls = progress.done * 2;
    console.log(
      `judge run: ${calls} calls (${progress.done} pairs, both orders, 8 at a time) in ${ms(wall)}; this process's CPU ${ms((used.user + used.system) / 1000)} = ` +
        `${ms((used.user + used.system) / 1000 / calls)} per call (goal ≤ 5 ms)`,
    );
  } finally {
    server.kill();
  }
} finally {
  await disconnectDb();
  await database.stop();
}
