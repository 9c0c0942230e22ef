import { cpus } from "node:os";
import { db, disconnectDb } from "@/lib/db";
import { importFile } from "@/lib/imports/read-files";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { skipAssignment } from "@/lib/votes/record-vote";
import { benchDatabase, generateRows, ms, percentile } from "./lib";

/**
 * `npm run bench:next-pair`: next-pair latency (the scheduler's whole transaction, as the voting
 * page calls it) with 100,000 outputs (450,000 pairs) and 1,000,000 votes from 200 annotators in
 * the database. The votes are generated in SQL; every request is followed by a skip, so the
 * database does not drift during the measurement.
 */
const ANNOTATORS = 200;
const VOTES_PER_ANNOTATOR = Number(process.env.BENCH_VOTES_PER_ANNOTATOR ?? 5000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);

async function generateVotes(campaignId: string): Promise<void> {
  await db.$executeRawUnsafe(`
    INSERT INTO "User" (id, email, "displayName", "passwordHash", role, "updatedAt")
    SELECT gen_random_uuid(), 'bench-' || g || '@bench.example', 'bench ' || g, 'not-a-hash', 'ANNOTATOR', now() FROM generate_series(0, ${ANNOTATORS - 1}) g`);
  await db.$executeRawUnsafe(`
    INSERT INTO "CampaignMember" ("campaignId", "userId") SELECT '${campaignId}', id FROM "User" WHERE email LIKE 'bench-%'`);
  await db.$executeRawUnsafe(`
    CREATE TEMP TABLE numbered AS SELECT id, "promptId", "lowOutputId", "highOutputId", (row_number() OVER (ORDER BY "randomKey") - 1)::int AS n
    FROM "Item" WHERE "campaignId" = '${campaignId}'`);
  await db.$executeRawUnsafe(`CREATE INDEX ON numbered (n)`);
  await db.$executeRawUnsafe(`
    CREATE TEMP TABLE annotators AS SELECT id, (row_number() OVER (ORDER BY email) - 1)::int AS k FROM "User" WHERE email LIKE 'bench-%'`);
  // Annotator k judges a run of consecutive items, so nobody judges an item twice.
  await db.$executeRawUnsafe(`
    INSERT INTO "Assignment" (id, "campaignId", "annotatorId", "itemId", "promptId", "leftOutputId", "rightOutputId", state, "issuedAt", "expiresAt")
    SELECT md5(a.k || '-' || j || random()::text) || md5(random()::text), '${campaignId}', a.id, i.id, i."promptId", i."lowOutputId", i."highOutputId",
           'VOTED', now() - interval '1 day', now()
    FROM annotators a CROSS JOIN generate_series(0, ${VOTES_PER_ANNOTATOR - 1}) j
    JOIN numbered i ON i.n = (a.k * ${VOTES_PER_ANNOTATOR} + j) % (SELECT count(*) FROM numbered)`);
  await db.$executeRawUnsafe(`
    INSERT INTO "Vote" (id, "assignmentId", "campaignId", "annotatorId", "promptId", "modelAId", "modelBId", outcome, winner, "durationMs", "createdAt")
    SELECT gen_random_uuid(), a.id, a."campaignId", a."annotatorId", a."promptId", l."modelId", r."modelId",
           (ARRAY['LEFT','RIGHT','TIE','BOTH_BAD']::"Outcome"[])[1 + floor(random() * 4)::int], 'MODEL_A', 5000, now() - interval '1 day'
    FROM "Assignment" a JOIN "Output" l ON l.id = a."leftOutputId" JOIN "Output" r ON r.id = a."rightOutputId"`);
  await db.$executeRawUnsafe(`
    UPDATE "Item" i SET votes = c.n, load = c.n FROM (SELECT "itemId", count(*)::int AS n FROM "Assignment" GROUP BY "itemId") c WHERE i.id = c."itemId"`);
  await db.$executeRawUnsafe(`
    UPDATE "PairStat" p SET votes = c.n, "winsLow" = c.n / 2, "winsHigh" = c.n / 3
    FROM (SELECT "lowModelId", "highModelId", sum(votes)::int AS n FROM "Item" GROUP BY 1, 2) c
    WHERE p."lowModelId" = c."lowModelId" AND p."highModelId" = c."highModelId"`);
  await db.$executeRawUnsafe(`ANALYZE`);
}

const database = await benchDatabase();
try {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}`);
  const campaign = await db.campaign.create({ data: { slug: "bench-next", name: "bench", status: "ACTIVE", targetVotesPerItem: 5 } });
  let start = performance.now();
  await importFile(null, campaign.id, { name: "bench.jsonl", content: generateRows(10_000, 10) });
  console.log(`set-up: imported 100,000 outputs in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  start = performance.now();
  await generateVotes(campaign.id);
  const votes = await db.vote.count();
  console.log(`set-up: generated ${votes.toLocaleString("en")} votes in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  const annotators = await db.user.findMany({ where: { email: { startsWith: "bench-" } }, select: { id: true } });

  for (const strategy of ["BALANCED", "ACTIVE"] as const) {
    await db.campaign.update({ where: { id: campaign.id }, data: { strategy } });
    const latencies: number[] = [];
    for (let r = 0; r < REQUESTS; r++) {
      const annotator = annotators[r % annotators.length].id;
      const t = performance.now();
      const next = await nextAssignmentFor(annotator, campaign.id);
      latencies.push(performance.now() - t);
      if (next.status !== "assigned") throw new Error(`no pair for the benchmark (${next.status})`);
      await skipAssignment(annotator, next.assignment.id);
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `${strategy.padEnd(8)} next pair, ${REQUESTS} sequential requests: p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}, p99 ${ms(percentile(latencies, 99))}`,
    );
  }
} finally {
  await disconnectDb();
  await database.stop();
}
