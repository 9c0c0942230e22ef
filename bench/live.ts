import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { createCampaign } from "@/lib/campaigns/manage";
import { campaignSettingsSchema, liveSettingsSchema } from "@/lib/campaigns/settings";
import { db, disconnectDb } from "@/lib/db";
import { sweepLiveBattles } from "@/lib/live/sweep";
import { addEndpoint, endpointInputSchema } from "@/lib/live/endpoints";
import { streamChatCompletion } from "@/lib/live/openai";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { readServerEvents } from "@/lib/live/sse";
import {
  benchDatabase,
  createVoters,
  groupCpuSeconds,
  groupRssMb,
  machineCpuTicks,
  ms,
  percentile,
  Session,
  startAppServer,
  startFloor,
  waitForFloor,
  waitForServer,
} from "./lib";

/**
 * `npm run bench:live` (after `npm run build`): BENCH_BATTLES annotators (default 50) run live
 * battles back to back for BENCH_SECONDS (default 20) on two app instances, against the test's
 * OpenAI-compatible server answering 20 ms per token (four pushed models). Each annotator sends a
 * prompt (POST /api/v1/live/battles, as the voting page), follows the battle's event stream from
 * the same response to the end and votes (POST /api/v1/votes, as the page). The same run measures the
 * floor — the same annotators' rhythm, both answers read straight from the model server — and,
 * last, the same load on two bare servers (bench/floor-server.ts: the app's own prompt and stream
 * code without Next or next-auth), so what the framework adds is told from what the work costs.
 * Printed: time to first token through the app vs the floor (p50/p95; "added" is the
 * difference) and vs the bare server (ratios), battles per second, the machine's CPU use, app
 * memory per open stream. Halfway through, one instance is
 * killed (BENCH_KILL=0 keeps it): its battles must end void, none half-rated, every acknowledged
 * vote stored once. Exits 1 if a check fails.
 */
const BATTLERS = Number(process.env.BENCH_BATTLES ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const KILL = process.env.BENCH_KILL !== "0";
const TOKEN_MS = 20;
/** Tokens per answer: 300 at 20 ms is a 6 s answer, so 50 annotators keep about 50 battles streaming. */
const ANSWER_TOKENS = Number(process.env.BENCH_ANSWER_TOKENS ?? 300);
const MODEL_TIMEOUT_S = 20;
/** Reading both answers before the vote, on average. */
const READ_MS = 1000;
const PASSWORD = "bench-password-123";
const SLUG = "bench-live";

if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npm run build` first.");
process.env.HIKAKU_ENCRYPTION_KEY ??= "bench-encryption-key-bench";
// The benchmark's model server listens on loopback, which model endpoints may only reach when allowed.
process.env.HIKAKU_ALLOWED_MODEL_HOSTS ??= "127.0.0.1";
const database = await benchDatabase();
const fake = await startModelServer();
const env = {
  HIKAKU_SIGNIN_MAX_FAILURES_PER_IP: "100000",
  HIKAKU_ENCRYPTION_KEY: process.env.HIKAKU_ENCRYPTION_KEY,
  HIKAKU_ALLOWED_MODEL_HOSTS: process.env.HIKAKU_ALLOWED_MODEL_HOSTS,
};
const nodeArgs = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean);
const servers = await Promise.all([0, 1].map(() => startAppServer(database.url, { env, nodeArgs })));
const floorServers = await Promise.all([0, 1].map(() => startFloor(database.url, env)));
let violations = 0;

/** The test's model server in a process of its own, so its 100 streams do not share the annotators' event loop. */
async function startModelServer(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "bench/fake-model-server.ts"], {
    env: { ...process.env, FAKE_TOKEN_MS: String(TOKEN_MS), FAKE_ANSWER_TOKENS: String(ANSWER_TOKENS) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const baseUrl = (await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next()).value as string;
  return { baseUrl, close: async () => void child.kill() };
}

interface Battle {
  /** From the prompt's send: the response's headers (the prompt taken, the answers' stream open), the first text of each side. */
  openMs?: number;
  firstTokenMs: number[];
  outcome: "ready" | "void" | "lost";
  assignmentId?: string;
}

/** One battle as the voting page runs it: the prompt sent, and its answers read from the same response to the end. */
async function runBattle(session: Session, campaignId: string, prompt: string): Promise<Battle> {
  const started = performance.now();
  const stream = await session.fetch("/api/v1/live/battles", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ campaignId, prompt }),
  });
  const openMs = performance.now() - started;
  if (stream.status !== 200) throw new Error(`no battle started (HTTP ${stream.status}: ${await stream.text()})`);
  const firstToken = new Map<string, number>();
  for await (const { type: event, data: json } of readServerEvents(stream.body!)) {
    const data = JSON.parse(json) as Record<string, unknown>;
    if (event === "delta" && !firstToken.has(String(data.side))) firstToken.set(String(data.side), performance.now() - started);
    if (event === "ready")
      return { openMs, firstTokenMs: [...firstToken.values()], outcome: "ready", assignmentId: (data.assignment as { id: string }).id };
    if (event === "void") return { openMs, firstTokenMs: [...firstToken.values()], outcome: "void" };
  }
  // The stream ended without a last word: the instance serving it went away.
  throw new Error("the battle's stream broke off");
}

async function vote(session: Session, assignmentId: string): Promise<boolean> {
  const response = await session.fetch("/api/v1/votes", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ assignmentId, outcome: "LEFT", durationMs: 1500 }),
  });
  await response.arrayBuffer();
  return response.status === 200;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The floor, with the same annotators' rhythm: each "battle" is the two answers streamed straight
 * from the model server (no app), then the same reading pause. Time to first token per side.
 */
async function floorFirstTokens(seconds: number): Promise<number[]> {
  const times: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: BATTLERS }, async (_, index) => {
      await pause(Math.random() * ANSWER_TOKENS * TOKEN_MS);
      for (let n = 0; performance.now() < deadline; n++) {
        const started = performance.now();
        await Promise.all(
          [0, 1].map(async (side) => {
            let first: number | null = null;
            await streamChatCompletion({
              baseUrl: fake.baseUrl,
              model: `direct-${side}`,
              messages: [{ role: "user", content: `Annotator ${index} asks question ${n}` }],
              timeoutMs: 60_000,
              onDelta: () => (first ??= performance.now() - started),
            });
            times.push(first!);
          }),
        );
        await pause(READ_MS * (0.5 + Math.random()));
      }
    }),
  );
  return times.sort((a, b) => a - b);
}

interface Load {
  battles: Battle[];
  acknowledged: string[];
  /** Battles under way now. */
  open: number;
}

/**
 * The annotators' work for SECONDS: each sends a prompt, reads the answers' stream to its end,
 * reads for a moment, votes, and goes on. A session whose server goes away moves to `fallback`.
 */
async function driveBattles(sessions: Session[], campaignId: string, load: Load, fallback?: string): Promise<void> {
  const deadline = performance.now() + SECONDS * 1000;
  await Promise.all(
    sessions.map(async (first, index) => {
      let session = first;
      // People do not start in step: spread the first prompts over one answer's length, and read
      // for a moment before voting, so battles stay spread out instead of starting in waves.
      await pause(Math.random() * ANSWER_TOKENS * TOKEN_MS);
      for (let n = 0; performance.now() < deadline; n++) {
        load.open++;
        try {
          const battle = await runBattle(session, campaignId, `Annotator ${index} asks question ${n}: what is the capital of Japan?`);
          load.battles.push(battle);
          await pause(READ_MS * (0.5 + Math.random()));
          if (battle.assignmentId && (await vote(session, battle.assignmentId))) load.acknowledged.push(battle.assignmentId);
        } catch {
          // The instance died under this battle: carry on through the other one, as behind a load balancer.
          load.battles.push({ firstTokenMs: [], outcome: "lost" });
          if (fallback) session = session.on(fallback);
        } finally {
          load.open--;
        }
      }
    }),
  );
}

/** Time to first token, and to the prompt taken with the stream open, in ascending order. */
function timings(battles: Battle[]): { firstToken: number[]; open: number[] } {
  const ascending = (values: number[]) => values.sort((a, b) => a - b);
  return {
    firstToken: ascending(battles.flatMap((b) => b.firstTokenMs)),
    open: ascending(battles.flatMap((b) => (b.openMs === undefined ? [] : [b.openMs]))),
  };
}

try {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; 2 app instances, PostgreSQL, the model server and the annotators share it`,
  );
  const created = await createCampaign(
    null,
    SLUG,
    campaignSettingsSchema.parse({ name: "live benchmark" }),
    liveSettingsSchema.parse({ live: true, livePromptsPerHour: 10_000 }),
  );
  if (!created.ok) throw new Error(created.code);
  for (let m = 0; m < 4; m++) {
    const input = endpointInputSchema.parse({
      name: `bench-live-${m}`,
      kind: "PUSHED",
      baseUrl: fake.baseUrl,
      apiKey: "sk-bench",
      concurrency: BATTLERS * 2,
      timeoutSeconds: MODEL_TIMEOUT_S,
    });
    const added = await addEndpoint(null, created.id, input);
    if (!added.ok) throw new Error(added.code);
  }
  await db.campaign.update({ where: { id: created.id }, data: { status: "ACTIVE" } });
  const emails = await createVoters(created.id, BATTLERS, PASSWORD);
  for (const server of servers) await waitForServer(`${server.base}/sign-in`);
  const sessions = await Promise.all(
    emails.map(async (email, i) => {
      const session = new Session(servers[i % 2].base);
      await session.signIn(email, PASSWORD);
      // A first page view, so each instance has compiled and warmed the voting page.
      await session.fetch(`/vote/${SLUG}`);
      return session;
    }),
  );

  const floor = await floorFirstTokens(SECONDS);
  const idleRss = servers.map((server) => groupRssMb(server.pid));
  const load: Load = { battles: [], acknowledged: [], open: 0 };
  const { battles, acknowledged } = load;
  let rssUnderLoad: { rss: number[]; open: number } | null = null;
  let killedAt = 0;
  const cpuBefore = machineCpuTicks();
  const appCpuBefore = servers.map((server) => groupCpuSeconds(server.pid));
  const started = performance.now();
  const sampler = setTimeout(
    () => (rssUnderLoad = { rss: servers.map((server) => groupRssMb(server.pid)), open: load.open }),
    (SECONDS * 1000) / 4,
  );
  const killer = KILL
    ? setTimeout(
        () => {
          killedAt = performance.now() - started;
          process.kill(-servers[0].pid, "SIGKILL");
        },
        (SECONDS * 1000) / 2,
      )
    : null;
  await driveBattles(sessions, created.id, load, servers[1].base);
  clearTimeout(sampler);
  if (killer) clearTimeout(killer);
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = machineCpuTicks();
  // A killed instance's time is lost with it: the figure then counts the survivor only.
  const appCpu = servers.reduce((sum, server, i) => sum + Math.max(0, groupCpuSeconds(server.pid) - appCpuBefore[i]), 0);

  const { firstToken: app, open: opened } = timings(battles);
  const count = (outcome: Battle["outcome"]) => battles.filter((b) => b.outcome === outcome).length;
  console.log(
    `${BATTLERS} annotators, ${elapsed.toFixed(1)} s: ${battles.length} battles (${count("ready")} answered, ${count("void")} void, ` +
      `${count("lost")} broken off by the killed instance), ${(count("ready") / elapsed).toFixed(1)} answered battles/s, ${acknowledged.length} votes`,
  );
  console.log(
    `time to first token through the app (prompt sent → first text in the pane): p50 ${ms(percentile(app, 50))}, p95 ${ms(percentile(app, 95))}`,
  );
  console.log(
    `  of which: the prompt taken and the stream open after p50 ${ms(percentile(opened, 50))} (p95 ${ms(percentile(opened, 95))})`,
  );
  console.log(
    `floor (the same annotators' rhythm, both answers straight from the model server): p50 ${ms(percentile(floor, 50))}, p95 ${ms(percentile(floor, 95))}`,
  );
  console.log(
    `added by the app: p50 ${ms(percentile(app, 50) - percentile(floor, 50))}, p95 ${ms(percentile(app, 95) - percentile(floor, 95))} (goal p95 < 50 ms)`,
  );
  console.log(
    `machine CPU busy while the battles ran: ${(((cpuAfter.busy - cpuBefore.busy) / (cpuAfter.total - cpuBefore.total)) * 100).toFixed(0)}% of ${cpus().length} cores ` +
      `(the app instances ${(appCpu / elapsed).toFixed(2)} cores; the rest PostgreSQL, the model server, these clients and anything else running)`,
  );
  if (rssUnderLoad) {
    const sample = rssUnderLoad as { rss: number[]; open: number };
    const grown = sample.rss.reduce((sum, rss, i) => sum + rss - idleRss[i], 0);
    console.log(
      `app memory: idle ${idleRss.map((r) => r.toFixed(0)).join(" + ")} MB, with ${sample.open} battles streaming ${sample.rss.map((r) => r.toFixed(0)).join(" + ")} MB: ` +
        `${((grown * 1024) / Math.max(1, sample.open)).toFixed(0)} KB per open battle (two upstream streams, one to the browser)`,
    );
  }

  // The killed instance's battles end void once their deadline passes; nothing half-answered is rated.
  if (KILL) {
    await new Promise((resolve) => setTimeout(resolve, (MODEL_TIMEOUT_S + 1) * 1000));
    await sweepLiveBattles(10_000);
  }
  const [state] = await db.$queryRaw<{ generating: number; voided: number; ready: number; votedVoid: number; halfReady: number }[]>`
    SELECT count(*) FILTER (WHERE state = 'GENERATING')::int AS generating,
           count(*) FILTER (WHERE state = 'VOIDED')::int AS voided,
           count(*) FILTER (WHERE state = 'READY')::int AS ready,
           (SELECT count(*)::int FROM "Vote" v JOIN "LiveBattle" b ON b."promptId" = v."promptId" WHERE b.state = 'VOIDED') AS "votedVoid",
           (SELECT count(*)::int FROM "LiveBattle" b WHERE b.state = 'READY'
              AND EXISTS (SELECT 1 FROM "GenerationJob" j WHERE j."battleId" = b.id AND (j.state <> 'DONE' OR j.content = ''))) AS "halfReady"
    FROM "LiveBattle"`;
  const stored = await db.vote.count({ where: { assignmentId: { in: acknowledged } } });
  const total = await db.vote.count({ where: { campaignId: created.id } });
  console.log(
    `battles in the database: ${state.ready} answered, ${state.voided} void, ${state.generating} still generating; ${total} votes stored` +
      (KILL ? `; instance 1 killed (SIGKILL) at ${(killedAt / 1000).toFixed(1)} s` : ""),
  );
  const checks: [string, boolean][] = [
    [`no battle left generating (${state.generating})`, state.generating === 0],
    [`no vote on a void battle (${state.votedVoid})`, state.votedVoid === 0],
    [`no answered battle with a missing or empty side (${state.halfReady})`, state.halfReady === 0],
    [`every acknowledged vote stored exactly once (${stored} of ${acknowledged.length}; ${total} in all)`, stored === acknowledged.length],
  ];
  for (const [label, ok] of checks) {
    console.log(`${ok ? "ok  " : "FAIL"} ${label}`);
    if (!ok) violations++;
  }

  // The same load on the bare server: the app's own prompt and stream code, without Next or next-auth.
  for (const floorServer of floorServers) await waitForFloor(floorServer.base);
  const bare: Load = { battles: [], acknowledged: [], open: 0 };
  const bareCpuBefore = floorServers.map((server) => groupCpuSeconds(server.pid));
  const bareStarted = performance.now();
  await driveBattles(
    sessions.map((session, i) => session.on(floorServers[i % 2].base)),
    created.id,
    bare,
  );
  const bareCores =
    floorServers.reduce((sum, server, i) => sum + groupCpuSeconds(server.pid) - bareCpuBefore[i], 0) /
    ((performance.now() - bareStarted) / 1000);
  const { firstToken: bareFirst, open: bareOpen } = timings(bare.battles);
  const addedBy = (values: number[], p: number) => percentile(values, p) - percentile(floor, p);
  console.log(
    `the same load on a bare server (bench/floor-server.ts, 2 instances: the app's prompt and stream code, no Next, no next-auth): ` +
      `${bare.battles.filter((b) => b.outcome === "ready").length} answered battles; first token p50 ${ms(percentile(bareFirst, 50))}, p95 ${ms(percentile(bareFirst, 95))}; ` +
      `prompt taken and stream open p50 ${ms(percentile(bareOpen, 50))} (p95 ${ms(percentile(bareOpen, 95))}); added p50 ${ms(addedBy(bareFirst, 50))}, p95 ${ms(addedBy(bareFirst, 95))}; ` +
      `the servers used ${bareCores.toFixed(2)} cores (the app ${(appCpu / elapsed).toFixed(2)})`,
  );
  console.log(
    `ratio app / bare server (same run, same load): first token p50 ${(percentile(app, 50) / percentile(bareFirst, 50)).toFixed(2)}, ` +
      `p95 ${(percentile(app, 95) / percentile(bareFirst, 95)).toFixed(2)}; what Next and next-auth add at p95: ${ms(percentile(app, 95) - percentile(bareFirst, 95))}`,
  );
} finally {
  for (const server of [...servers, ...floorServers]) server.stop();
  await fake.close();
  await disconnectDb();
  await database.stop();
}
process.exit(violations ? 1 : 0);
