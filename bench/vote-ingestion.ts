import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { db, disconnectDb } from "@/lib/db";
import { importFile } from "@/lib/imports/read-files";
import {
  benchDatabase,
  castVote,
  castVoteActionId,
  createVoters,
  generateRows,
  ms,
  percentile,
  signInVoters,
  startAppServer,
  waitForServer,
} from "./lib";

/**
 * `npm run bench:votes` (after `npm run build`): vote ingestion through the real HTTP path —
 * the app server, next-auth session cookies and the voting page's castVote server action — with
 * 50 annotators voting as fast as the server answers for a fixed time, spread over
 * BENCH_INSTANCES app instances (default 1) that share the database. Each response carries the
 * next pair, which the annotator votes on next. Afterwards every acknowledged vote is looked up.
 */
const ANNOTATORS = Number(process.env.BENCH_ANNOTATORS ?? 50);
/** App instances sharing the database; annotators are spread over them round-robin. */
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PASSWORD = "bench-password-123";
const SLUG = "bench-votes";
if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npm run build` first.");
const actionId = castVoteActionId();
const database = await benchDatabase();
const servers = await Promise.all(
  Array.from({ length: INSTANCES }, () =>
    startAppServer(database.url, {
      nodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean),
      env: { HIKAKU_SIGNIN_MAX_FAILURES_PER_IP: "100000" },
    }),
  ),
);
try {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; app, PostgreSQL and load generator share the machine`,
  );
  const campaign = await db.campaign.create({ data: { slug: SLUG, name: "bench", targetVotesPerItem: 100, status: "ACTIVE" } });
  await importFile(null, campaign.id, { name: "bench.jsonl", content: generateRows(500, 10) });
  const emails = await createVoters(campaign.id, ANNOTATORS, PASSWORD);
  for (const server of servers) await waitForServer(`${server.base}/sign-in`);
  const voters = await signInVoters(emails, PASSWORD, SLUG, (index) => servers[index % servers.length].base);

  const latencies: number[] = [];
  const acknowledged: string[] = [];
  let failures = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    voters.map(async (voter) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        const result = await castVote(voter, SLUG, actionId);
        latencies.push(performance.now() - t);
        if (!result) {
          failures++;
          continue;
        }
        acknowledged.push(voter.assignment);
        if (!result.next) break;
        voter.assignment = result.next;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const stored = await db.vote.count({ where: { assignmentId: { in: acknowledged } } });
  console.log(
    `${INSTANCES} app instance(s), ${ANNOTATORS} concurrent annotators for ${elapsed.toFixed(1)} s: ${acknowledged.length} votes acknowledged, ${failures} failed requests`,
  );
  console.log(
    `throughput: ${(acknowledged.length / elapsed).toFixed(0)} votes/s; latency p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}`,
  );
  console.log(`integrity: ${stored} of ${acknowledged.length} acknowledged votes stored, ${await db.vote.count()} votes in total`);
} finally {
  for (const server of servers) server.stop();
  await disconnectDb();
  await database.stop();
}
