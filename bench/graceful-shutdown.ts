import { existsSync } from "node:fs";
import { createCampaign } from "@/lib/campaigns/manage";
import { campaignSettingsSchema, liveSettingsSchema } from "@/lib/campaigns/settings";
import { db, disconnectDb } from "@/lib/db";
import { importFile } from "@/lib/imports/read-files";
import { addEndpoint, endpointInputSchema } from "@/lib/live/endpoints";
import { readServerEvents } from "@/lib/live/sse";
import { startFakeOpenAi } from "@/lib/testing/fake-openai";
import { isAlive } from "../scripts/lib/local-postgres";
import { benchDatabase, castVote, createVoters, generateRows, Session, signInVoters, startAppServer, waitForServer } from "./lib";

/**
 * `npm test` runs this after the build (`npx tsx --conditions=react-server bench/graceful-shutdown.ts`):
 * one app instance, BENCH_ANNOTATORS annotators (default 20) voting over HTTP and one live battle
 * streaming slowly, then SIGTERM. Checks what an operator relies on when a platform replaces an
 * instance: readiness refuses at once, every acknowledged vote is stored exactly once, requests
 * after the signal are refused (503 or a refused connection) rather than left hanging, the live
 * battle ends as void with the cause `shutdown` (its annotator's stream says so), and the process
 * exits 0 within HIKAKU_SHUTDOWN_SECONDS. Exits 1 if any check fails.
 */
const ANNOTATORS = Number(process.env.BENCH_ANNOTATORS ?? 20);
const VOTE_SECONDS = 3;
const SHUTDOWN_SECONDS = 5;
const PASSWORD = "bench-password-123";

// This process adds the models as the server will call them (the test's model server is on loopback),
// with the server's key; set before anything reads the environment.
process.env.HIKAKU_ENCRYPTION_KEY = "bench-encryption-key-bench-encryption-key";
process.env.HIKAKU_ALLOWED_MODEL_HOSTS = "127.0.0.1";

if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npm run build` first.");
const database = await benchDatabase();
// 2 s per token: the battle is still streaming when the signal comes.
const model = await startFakeOpenAi({ tokenDelayMs: 2000 });
const server = await startAppServer(database.url, {
  env: {
    HIKAKU_SIGNIN_MAX_FAILURES_PER_IP: "100000",
    HIKAKU_SHUTDOWN_SECONDS: String(SHUTDOWN_SECONDS),
    HIKAKU_ALLOWED_MODEL_HOSTS: "127.0.0.1",
    HIKAKU_ENCRYPTION_KEY: "bench-encryption-key-bench-encryption-key",
  },
});
let failures = 0;
try {
  const campaign = await db.campaign.create({
    data: { slug: "bench-shutdown", name: "shutdown", targetVotesPerItem: 100, status: "ACTIVE" },
  });
  await importFile(null, campaign.id, { name: "bench.jsonl", content: generateRows(100, 6) });
  const emails = await createVoters(campaign.id, ANNOTATORS, PASSWORD);

  const live = await createCampaign(
    null,
    "bench-shutdown-live",
    campaignSettingsSchema.parse({ name: "live" }),
    liveSettingsSchema.parse({ live: true }),
  );
  if (!live.ok) throw new Error(live.code);
  for (const name of ["slow-left", "slow-right"]) {
    const added = await addEndpoint(
      null,
      live.id,
      endpointInputSchema.parse({ kind: "PUSHED", name, baseUrl: model.baseUrl, timeoutSeconds: 60 }),
    );
    if (!added.ok) throw new Error(added.code);
  }
  await db.campaign.update({ where: { id: live.id }, data: { status: "ACTIVE" } });
  const [liveAnnotator] = await db.user.findMany({ where: { email: emails[0] } });
  await db.campaignMember.create({ data: { campaignId: live.id, userId: liveAnnotator.id } });

  await waitForServer(`${server.base}/sign-in`);
  const voters = await signInVoters(emails, PASSWORD, "bench-shutdown", () => server.base);
  const streamer = new Session(server.base);
  await streamer.signIn(emails[0], PASSWORD);
  const opened = await streamer.fetch("/api/v1/live/battles", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ campaignId: live.id, prompt: "Take your time." }),
  });
  if (opened.status !== 200 || !opened.body) throw new Error(`the live prompt was refused: ${opened.status}`);
  const streamEnd = (async () => {
    let last: { type: string; data: string } | null = null;
    try {
      for await (const event of readServerEvents(opened.body!)) last = { type: event.type, data: event.data };
    } catch {
      return "broken off";
    }
    return last ? `${last.type} ${last.data}` : "nothing";
  })();

  const acknowledged: string[] = [];
  const after = { refused: 0, unavailable: 0, reset: 0, acknowledged: 0 };
  let signalledAt = 0;
  const started = performance.now();
  const signal = setTimeout(() => {
    signalledAt = performance.now();
    process.kill(server.pid, "SIGTERM");
  }, VOTE_SECONDS * 1000);

  // How long after the signal readiness stops answering 200 (a probe sent in the same instant
  // may still be taken before the process has handled the signal).
  const readyAfterSignal = (async () => {
    while (!signalledAt) await new Promise((resolve) => setTimeout(resolve, 5));
    for (;;) {
      const waited = performance.now() - signalledAt;
      let status: number | "refused";
      try {
        status = (await fetch(`${server.base}/api/ready`)).status;
      } catch {
        status = "refused";
      }
      if (status !== 200 || waited > 2000) return { status, afterMs: Math.round(waited) };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  await Promise.all(
    voters.map(async (voter) => {
      // Voting goes on until the instance no longer answers, and a moment after.
      while (performance.now() - started < (VOTE_SECONDS + 2) * 1000) {
        const sentAfterSignal = signalledAt > 0;
        try {
          const result = await castVote(voter);
          if (!result) {
            if (sentAfterSignal) after.unavailable++;
            continue;
          }
          acknowledged.push(voter.assignment);
          if (sentAfterSignal) after.acknowledged++;
          if (!result.next) break;
          voter.assignment = result.next;
        } catch (error) {
          const code = (error as { cause?: { code?: string } }).cause?.code;
          if (code === "ECONNREFUSED") after.refused++;
          else after.reset++;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    }),
  );
  clearTimeout(signal);
  const exitedWithin = await (async () => {
    while (isAlive(server.pid) && performance.now() - signalledAt < (SHUTDOWN_SECONDS + 5) * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return isAlive(server.pid) ? null : (performance.now() - signalledAt) / 1000;
  })();
  const ended = await Promise.race([streamEnd, new Promise<string>((resolve) => setTimeout(() => resolve("still open"), 2000))]);

  const stored = await db.vote.count({ where: { assignmentId: { in: acknowledged } } });
  const battle = await db.liveBattle.findFirst({ where: { campaignId: live.id }, include: { jobs: true } });
  const ready = await readyAfterSignal;
  console.log(
    `${ANNOTATORS} annotators voting, SIGTERM after ${VOTE_SECONDS} s: ${acknowledged.length} votes acknowledged ` +
      `(${after.acknowledged} of them answered after the signal, in flight when it came); after the signal ${after.unavailable} refused with 503, ` +
      `${after.refused} connections refused, ${after.reset} connections reset; readiness ${ready.status} ${ready.afterMs} ms after the signal; ` +
      `the process ${exitedWithin === null ? "did not exit" : `exited ${exitedWithin.toFixed(2)} s after the signal`}`,
  );
  const checks: [string, boolean][] = [
    [`readiness refused at once (${ready.status} within ${ready.afterMs} ms)`, ready.status !== 200 && ready.afterMs <= 500],
    [
      `every acknowledged vote stored exactly once (${stored} of ${acknowledged.length})`,
      stored === acknowledged.length && new Set(acknowledged).size === acknowledged.length,
    ],
    [
      `the process exited within HIKAKU_SHUTDOWN_SECONDS (${SHUTDOWN_SECONDS} s)`,
      exitedWithin !== null && exitedWithin <= SHUTDOWN_SECONDS + 1,
    ],
    [
      `the live battle is void with cause shutdown, its jobs cancelled (${battle?.state} ${battle?.voidCause}; ${battle?.jobs.map((j) => j.state).join(", ")})`,
      battle?.state === "VOIDED" && battle.voidCause === "shutdown" && battle.jobs.every((job) => job.state === "CANCELLED"),
    ],
    [`the annotator's stream ended with the void event (${ended})`, ended.startsWith("void") && ended.includes("shutdown")],
  ];
  for (const [label, ok] of checks) {
    console.log(`${ok ? "ok  " : "FAIL"} ${label}`);
    if (!ok) failures++;
  }
} finally {
  server.stop();
  await model.close();
  await disconnectDb();
  await database.stop();
}
process.exit(failures ? 1 : 0);
