import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { db, disconnectDb } from "@/lib/db";
import { isAlive } from "../scripts/lib/local-postgres";
import { importFile } from "@/lib/imports/read-files";
import { benchDatabase, castVote, createVoters, currentAssignment, generateRows, signInVoters, startAppServer, waitForServer } from "./lib";

/**
 * `npm run bench:killed` (after `npm run build`; `npm test` runs it with a small size): two app
 * instances share one database, BENCH_ANNOTATORS annotators (default 50) sign in through the real
 * form and vote over HTTP, spread over both, and halfway through one instance is killed with
 * SIGKILL — requests in flight die with it. Its annotators carry on through the other instance,
 * as behind a load balancer: they reload the voting page (their open pair comes back) and vote.
 * Then the database must hold every acknowledged vote exactly once, no assignment with two votes,
 * no vote on someone else's assignment, and item counters that match the votes. Exits 1 if not.
 */
const ANNOTATORS = Number(process.env.BENCH_ANNOTATORS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 12);
const PASSWORD = "bench-password-123";
const SLUG = "bench-killed";

if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npm run build` first.");
const database = await benchDatabase();
const servers = await Promise.all([0, 1].map(() => startAppServer(database.url, { env: { HIKAKU_SIGNIN_MAX_FAILURES_PER_IP: "100000" } })));
let violations = 0;
try {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; 2 app instances, PostgreSQL and the annotators share it`,
  );
  const campaign = await db.campaign.create({ data: { slug: SLUG, name: "killed instance", targetVotesPerItem: 100, status: "ACTIVE" } });
  await importFile(null, campaign.id, { name: "bench.jsonl", content: generateRows(200, 6) });
  const emails = await createVoters(campaign.id, ANNOTATORS, PASSWORD);
  for (const server of servers) await waitForServer(`${server.base}/sign-in`);
  const voters = await signInVoters(emails, PASSWORD, SLUG, (index) => servers[index % 2].base);

  const acknowledged: string[] = [];
  let lost = 0;
  let killedAt = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const killer = setTimeout(
    () => {
      killedAt = performance.now() - started;
      try {
        process.kill(-servers[0].pid, "SIGKILL");
      } catch {
        // already gone
      }
    },
    (SECONDS * 1000) / 2,
  );

  await Promise.all(
    voters.map(async (voter) => {
      while (performance.now() < deadline) {
        let result: Awaited<ReturnType<typeof castVote>>;
        try {
          result = await castVote(voter);
        } catch {
          // The instance died under this request: whether the vote was stored is unknown, so it
          // is not counted as acknowledged. Go on through the other instance, from a reload.
          lost++;
          voter.session = voter.session.on(servers[1].base);
          const open = await currentAssignment(voter.session, SLUG);
          if (!open) break;
          voter.assignment = open;
          continue;
        }
        if (!result) continue;
        acknowledged.push(voter.assignment);
        if (!result.next) break;
        voter.assignment = result.next;
      }
    }),
  );
  clearTimeout(killer);
  const elapsed = (performance.now() - started) / 1000;

  const stored = await db.vote.count({ where: { assignmentId: { in: acknowledged } } });
  const [{ doubled }] = await db.$queryRaw<{ doubled: number }[]>`
    SELECT count(*)::int AS doubled FROM (SELECT "assignmentId" FROM "Vote" WHERE "assignmentId" IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d`;
  const [{ foreign }] = await db.$queryRaw<{ foreign: number }[]>`
    SELECT count(*)::int AS foreign FROM "Vote" v JOIN "Assignment" a ON a.id = v."assignmentId" WHERE a."annotatorId" <> v."annotatorId"`;
  const [{ miscounted }] = await db.$queryRaw<{ miscounted: number }[]>`
    SELECT count(*)::int AS miscounted FROM "Item" i
    WHERE i."campaignId" = ${campaign.id}::uuid
      AND i.votes <> (SELECT count(*) FROM "Vote" v JOIN "Assignment" a ON a.id = v."assignmentId" WHERE a."itemId" = i.id)`;
  const total = await db.vote.count({ where: { campaignId: campaign.id } });
  console.log(
    `${ANNOTATORS} annotators on 2 instances for ${elapsed.toFixed(1)} s, instance 1 killed (SIGKILL) at ${(killedAt / 1000).toFixed(1)} s: ` +
      `${acknowledged.length} votes acknowledged, ${lost} requests lost with the instance, ${total} votes stored`,
  );
  const checks: [string, boolean][] = [
    [
      `every acknowledged vote stored exactly once (${stored} of ${acknowledged.length})`,
      stored === acknowledged.length && new Set(acknowledged).size === acknowledged.length,
    ],
    [`no assignment with two votes (${doubled})`, doubled === 0],
    [`no vote on another annotator's assignment (${foreign})`, foreign === 0],
    [`item vote counters match the votes (${miscounted} differ)`, miscounted === 0],
    ["the killed instance is gone, and its annotators went on through the other", killedAt > 0 && !isAlive(servers[0].pid)],
  ];
  for (const [label, ok] of checks) {
    console.log(`${ok ? "ok  " : "FAIL"} ${label}`);
    if (!ok) violations++;
  }
} finally {
  for (const server of servers) server.stop();
  await disconnectDb();
  await database.stop();
}
process.exit(violations ? 1 : 0);
