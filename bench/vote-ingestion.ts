import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { hashPassword } from "@/lib/auth/password";
import { db, disconnectDb } from "@/lib/db";
import { importFile } from "@/lib/imports/read-files";
import { benchDatabase, generateRows, ms, percentile, Session, startAppServer, waitForServer } from "./lib";

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
const TOKEN = /\\?"id\\?":\\?"([A-Za-z0-9_-]{43})\\?"/;

function castVoteActionId(): string {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { filename: string; exportedName: string }>;
  };
  const entry = Object.entries(manifest.node).find(([, v]) => v.exportedName === "castVote" && v.filename.includes("vote/[slug]/actions"));
  if (!entry) throw new Error("castVote is not in the build manifest: run `npm run build` first.");
  return entry[0];
}

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
  const passwordHash = await hashPassword(PASSWORD);
  const emails = Array.from({ length: ANNOTATORS }, (_, i) => `voter-${i}@bench.example`);
  for (const email of emails) {
    const user = await db.user.create({ data: { email, displayName: email, passwordHash, role: "ANNOTATOR" } });
    await db.campaignMember.create({ data: { campaignId: campaign.id, userId: user.id } });
  }
  for (const server of servers) await waitForServer(`${server.base}/sign-in`);

  const sessions = await Promise.all(
    emails.map(async (email, index) => {
      const session = new Session(servers[index % servers.length].base);
      await session.signIn(email, PASSWORD);
      const page = await (await session.fetch(`/vote/${SLUG}`)).text();
      const match = TOKEN.exec(page);
      if (!match) throw new Error("no assignment on the voting page");
      return { session, assignment: match[1] };
    }),
  );

  const latencies: number[] = [];
  const acknowledged: string[] = [];
  let failures = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    sessions.map(async (annotator) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        const response = await annotator.session.fetch(`/vote/${SLUG}`, {
          method: "POST",
          headers: { "next-action": actionId, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
          body: JSON.stringify([{ assignmentId: annotator.assignment, outcome: "LEFT", durationMs: 1500 }]),
        });
        const text = await response.text();
        latencies.push(performance.now() - t);
        if (response.status !== 200 || !text.includes('"status":"ok"')) {
          failures++;
          continue;
        }
        acknowledged.push(annotator.assignment);
        const next = TOKEN.exec(text.slice(text.indexOf('"next"')));
        if (!next) break;
        annotator.assignment = next[1];
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
