import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { db, disconnectDb } from "@/lib/db";
import { importFile } from "@/lib/imports/read-files";
import {
  benchDatabase,
  castVote,
  createVoters,
  generateRows,
  groupCpuSeconds,
  ms,
  percentile,
  postmasterPid,
  serverCpuSeconds,
  signInVoters,
  startAppServer,
  startFloor,
  waitForFloor,
  waitForServer,
  type Voter,
} from "./lib";

/**
 * `npm run bench:votes` (after `npm run build`): the vote path through real HTTP — the app
 * server, next-auth session cookies and the voting page's vote request (POST /api/v1/votes) — against its
 * floor measured in the same run with the same load: bench/floor-server.ts, a bare node:http
 * server running the same vote and next-pair code and statements over a pg pool, with the same
 * session cookie. Two loads, each on the app and then on the floor:
 *
 * - closed loop: 50 annotators voting as fast as responses come back, for BENCH_SECONDS;
 * - open loop: votes arriving at BENCH_RATE per second for BENCH_OPEN_SECONDS (60) whatever the
 *   server does (latency counted from when a vote was due, so a slow server cannot hide its
 *   queue). Its p99 is set by the slowest 1% — a few pauses of the server — so it needs more votes
 *   than the closed loop to settle; BENCH_DETAIL=1 lists the slowest 2% with when they fell due,
 *   which tells pauses (runs of consecutive votes) from single slow requests.
 *
 * BENCH_OPEN_SLICE_SECONDS (10; 0 for one stretch per server) cuts each server's open loop into slices
 * that alternate between the two servers, so that a slow minute of this shared host falls on both
 * rather than on whichever happened to run then; each slice's due votes are finished before the
 * next slice starts.
 *
 * Each response carries the next pair, which the annotator votes on next. It prints throughput,
 * latency, CPU milliseconds per acknowledged vote (server process and PostgreSQL) and the ratios
 * app / floor; afterwards every acknowledged vote is looked up. Both servers first get
 * BENCH_WARMUP_SECONDS of unmeasured voting; BENCH_ROUNDS repeats the whole (app, floor)
 * sequence, alternating which goes first.
 */
const ANNOTATORS = Number(process.env.BENCH_ANNOTATORS ?? 50);
/** App instances sharing the database; annotators are spread over them round-robin. */
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 50);
/** The open loop's length: its p99 is the 1/100th slowest vote, so more votes give a steadier figure. */
const OPEN_SECONDS = Number(process.env.BENCH_OPEN_SECONDS ?? 60);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const OPEN_SLICE_SECONDS = Number(process.env.BENCH_OPEN_SLICE_SECONDS ?? 10);
const SLICED = OPEN_SLICE_SECONDS > 0 && OPEN_SLICE_SECONDS < OPEN_SECONDS;
/** Unmeasured closed-loop voting on each server first, so neither is measured while its code is still being compiled. */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const PASSWORD = "bench-password-123";
const SLUG = "bench-votes";

type Target = "app" | "floor";

/** BENCH_DETAIL=1: the open loop's slowest votes with when they fell due, to tell pauses (clusters) from slow requests. */
const DETAIL = process.env.BENCH_DETAIL === "1";
let openStartedAt = 0;
function printSlowest(target: Target, votes: { at: number; ms: number }[]): void {
  const slowest = [...votes].sort((a, b) => b.ms - a.ms).slice(0, Math.max(10, Math.ceil(votes.length / 50)));
  slowest.sort((a, b) => a.at - b.at);
  console.log(
    `  ${target} (open loop started at ${Math.round(performance.timeOrigin + openStartedAt)}): slowest 2% (due at s: ms) ${slowest.map((v) => `${(v.at / 1000).toFixed(2)}: ${v.ms.toFixed(0)}`).join(", ")}`,
  );
}

interface PhaseResult {
  votes: number;
  failures: number;
  seconds: number;
  latencies: number[];
  serverCpu: number;
  databaseCpu: number;
}

/** Two slices of one server's open loop as one phase. */
function joined(before: PhaseResult | undefined, after: PhaseResult): PhaseResult {
  if (!before) return after;
  return {
    votes: before.votes + after.votes,
    failures: before.failures + after.failures,
    seconds: before.seconds + after.seconds,
    latencies: [...before.latencies, ...after.latencies].sort((a, b) => a - b),
    serverCpu: before.serverCpu + after.serverCpu,
    databaseCpu: before.databaseCpu + after.databaseCpu,
  };
}

if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npm run build` first.");
const database = await benchDatabase();
const servers = await Promise.all(
  Array.from({ length: INSTANCES }, () =>
    startAppServer(database.url, {
      nodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean),
      env: { HIKAKU_SIGNIN_MAX_FAILURES_PER_IP: "100000" },
    }),
  ),
);
const floor = await startFloor(database.url, { HIKAKU_MAX_VOTES_PER_MINUTE: "1000000" });
try {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; app (${INSTANCES} instance(s)), floor, PostgreSQL and load generator share the machine`,
  );
  const campaign = await db.campaign.create({ data: { slug: SLUG, name: "bench", targetVotesPerItem: 100, status: "ACTIVE" } });
  await importFile(null, campaign.id, { name: "bench.jsonl", content: generateRows(500, 10) });
  const emails = await createVoters(campaign.id, ANNOTATORS, PASSWORD);
  for (const server of servers) await waitForServer(`${server.base}/sign-in`);
  await waitForFloor(floor.base);
  const voters = await signInVoters(emails, PASSWORD, SLUG, (index) => servers[index % servers.length].base);
  // The same signed-in browsers, sent to the floor instead: the same cookie, the same JWT.
  const floorSessions = voters.map((voter) => voter.session.on(floor.base));
  const postgres = await postmasterPid(db);
  if (!postgres) console.log("PostgreSQL is not a local process here: its CPU is not measured");
  const acknowledged: string[] = [];

  /** One vote by `voter` on `target`; true when acknowledged (the voter then holds the next pair). */
  async function vote(voter: Voter, index: number, target: Target): Promise<boolean | "done"> {
    const session = target === "app" ? voter.session : floorSessions[index];
    const result = await castVote(voter, session);
    if (!result) return false;
    acknowledged.push(voter.assignment);
    if (!result.next) return "done";
    voter.assignment = result.next;
    return true;
  }

  async function measured(
    target: Target,
    load: () => Promise<{ votes: number; failures: number; latencies: number[] }>,
  ): Promise<PhaseResult> {
    const group = target === "app" ? servers.map((server) => server.pid) : [floor.pid];
    const serverBefore = group.reduce((sum, pid) => sum + groupCpuSeconds(pid), 0);
    const databaseBefore = postgres ? serverCpuSeconds(postgres) : NaN;
    const started = performance.now();
    const { votes, failures, latencies } = await load();
    const seconds = (performance.now() - started) / 1000;
    const serverCpu = group.reduce((sum, pid) => sum + groupCpuSeconds(pid), 0) - serverBefore;
    const databaseCpu = postgres ? serverCpuSeconds(postgres) - databaseBefore : NaN;
    latencies.sort((a, b) => a - b);
    return { votes, failures, seconds, latencies, serverCpu, databaseCpu };
  }

  /** Every annotator votes as soon as the previous answer arrives. */
  const closedLoop = (target: Target, seconds = SECONDS) =>
    measured(target, async () => {
      const latencies: number[] = [];
      let votes = 0;
      let failures = 0;
      const deadline = performance.now() + seconds * 1000;
      await Promise.all(
        voters.map(async (voter, index) => {
          while (performance.now() < deadline) {
            const t = performance.now();
            const outcome = await vote(voter, index, target);
            latencies.push(performance.now() - t);
            if (!outcome) failures++;
            else votes++;
            if (outcome === "done") break;
          }
        }),
      );
      return { votes, failures, latencies };
    });

  /** Votes fall due at RATE per second; an idle annotator takes the oldest due vote. */
  const openLoop = (target: Target, seconds = OPEN_SECONDS) =>
    measured(target, () => {
      const total = Math.round(RATE * seconds);
      const interval = 1000 / RATE;
      const start = performance.now();
      openStartedAt = start;
      const due: number[] = [];
      const idle = voters.map((_, index) => index);
      const latencies: number[] = [];
      const slow: { at: number; ms: number }[] = [];
      let scheduled = 0;
      let finished = 0;
      let votes = 0;
      let failures = 0;
      return new Promise((resolve) => {
        const dispatch = () => {
          while (due.length && idle.length) {
            const dueAt = due.shift()!;
            const index = idle.pop()!;
            void vote(voters[index], index, target).then((outcome) => {
              latencies.push(performance.now() - dueAt);
              if (DETAIL) slow.push({ at: dueAt - start, ms: performance.now() - dueAt });
              if (!outcome) failures++;
              else votes++;
              finished++;
              if (outcome !== "done") idle.push(index);
              if (finished === total) {
                if (DETAIL) printSlowest(target, slow);
                resolve({ votes, failures, latencies });
              } else dispatch();
            });
          }
        };
        const tick = () => {
          while (scheduled < total && start + scheduled * interval <= performance.now()) due.push(start + interval * scheduled++);
          dispatch();
          if (scheduled < total) setTimeout(tick, Math.max(0, start + scheduled * interval - performance.now()));
        };
        tick();
      });
    });

  const line = (label: string, r: PhaseResult) =>
    `  ${label.padEnd(6)} ${(r.votes / r.seconds).toFixed(0).padStart(5)} votes/s, p50 ${ms(percentile(r.latencies, 50)).padStart(9)}, p99 ${ms(percentile(r.latencies, 99)).padStart(9)}; CPU per vote: server ${ms((r.serverCpu * 1000) / r.votes)}, PostgreSQL ${ms((r.databaseCpu * 1000) / r.votes)} (${r.votes} votes in ${r.seconds.toFixed(1)} s, ${r.failures} failed)`;
  const ratio = (app: number, floorValue: number) => (app / floorValue).toFixed(2);

  // Every round's open loop pooled per server: one round's p99 is its ~30 slowest votes, often one
  // pause of this shared host, so over several rounds the pooled p99 is the steadier figure.
  const pooled: Record<Target, PhaseResult | undefined> = { app: undefined, floor: undefined };
  const roundRatios: number[] = [];
  if (WARMUP_SECONDS > 0) for (const target of ["app", "floor"] as const) await closedLoop(target, WARMUP_SECONDS);
  for (let round = 0; round < ROUNDS; round++) {
    const order: Target[] = round % 2 === 0 ? ["app", "floor"] : ["floor", "app"];
    const closed: Partial<Record<Target, PhaseResult>> = {};
    const open: Partial<Record<Target, PhaseResult>> = {};
    for (const target of order) closed[target] = await closedLoop(target);
    if (SLICED) {
      for (let done = 0; done < OPEN_SECONDS; done += OPEN_SLICE_SECONDS) {
        const seconds = Math.min(OPEN_SLICE_SECONDS, OPEN_SECONDS - done);
        for (const target of order) open[target] = joined(open[target], await openLoop(target, seconds));
      }
    } else for (const target of order) open[target] = await openLoop(target);
    const [a, f] = [closed.app!, closed.floor!];
    const [oa, of] = [open.app!, open.floor!];
    console.log(`round ${round + 1}: closed loop, ${ANNOTATORS} annotators for ${SECONDS} s`);
    console.log(line("app", a));
    console.log(line("floor", f));
    console.log(
      `  ratio app / floor: throughput ${ratio(a.votes / a.seconds, f.votes / f.seconds)}, p50 ${ratio(percentile(a.latencies, 50), percentile(f.latencies, 50))}, p99 ${ratio(percentile(a.latencies, 99), percentile(f.latencies, 99))}, server CPU per vote ${ratio(a.serverCpu / a.votes, f.serverCpu / f.votes)}`,
    );
    const slicing = SLICED ? `, in ${OPEN_SLICE_SECONDS} s slices alternating between the servers` : "";
    console.log(`round ${round + 1}: open loop, ${RATE} votes/s for ${OPEN_SECONDS} s${slicing}`);
    console.log(line("app", oa));
    console.log(line("floor", of));
    console.log(
      `  ratio app / floor: p50 ${ratio(percentile(oa.latencies, 50), percentile(of.latencies, 50))}, p99 ${ratio(percentile(oa.latencies, 99), percentile(of.latencies, 99))}, server CPU per vote ${ratio(oa.serverCpu / oa.votes, of.serverCpu / of.votes)}`,
    );
    pooled.app = joined(pooled.app, oa);
    pooled.floor = joined(pooled.floor, of);
    roundRatios.push(percentile(oa.latencies, 99) / percentile(of.latencies, 99));
  }
  if (ROUNDS > 1) {
    const [pa, pf] = [pooled.app!, pooled.floor!];
    const sortedRatios = [...roundRatios].sort((a, b) => a - b);
    console.log(`all ${ROUNDS} rounds' open loops pooled`);
    console.log(line("app", pa));
    console.log(line("floor", pf));
    console.log(
      `  ratio app / floor: p50 ${ratio(percentile(pa.latencies, 50), percentile(pf.latencies, 50))}, p99 ${ratio(percentile(pa.latencies, 99), percentile(pf.latencies, 99))}; the rounds' p99 ratios ${roundRatios.map((r) => r.toFixed(2)).join(", ")} (median ${percentile(sortedRatios, 50).toFixed(2)}, ${roundRatios.filter((r) => r <= 2).length} of ${ROUNDS} ≤ 2)`,
    );
  }
  // In chunks: a long run acknowledges more votes than one statement may carry parameters.
  let stored = 0;
  for (let start = 0; start < acknowledged.length; start += 10_000) {
    stored += await db.vote.count({ where: { assignmentId: { in: acknowledged.slice(start, start + 10_000) } } });
  }
  console.log(`integrity: ${stored} of ${acknowledged.length} acknowledged votes stored, ${await db.vote.count()} votes in total`);
} finally {
  for (const server of servers) server.stop();
  floor.stop();
  await disconnectDb();
  await database.stop();
}
