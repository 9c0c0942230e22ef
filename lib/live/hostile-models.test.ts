import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as answerRoute } from "@/app/api/v1/worker/jobs/[id]/answer/route";
import { createCampaign } from "@/lib/campaigns/manage";
import { campaignSettingsSchema, liveSettingsSchema } from "@/lib/campaigns/settings";
import { db } from "@/lib/db";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { createTestUser, createVotingCampaign, uniqueSuffix } from "@/lib/testing/factories";
import { recordVote } from "@/lib/votes/record-vote";
import { startBattle } from "./start";
import { addEndpoint, endpointInputSchema, testConnection } from "./endpoints";
import { closeLiveHub } from "./notify";
import { MAX_ANSWER_CHARS } from "./openai";
import { appendChunk, nextJob, submitAnswer, workerEndpoint } from "./worker";

/**
 * Model servers and workers are outside Hikaku's control: one that sends megabytes of garbage, an
 * answer past every sensible length, or Markdown that is slow to parse must cost it a void battle,
 * not its responsiveness (the review: one 600 KB worker answer left every request hanging for
 * seconds, 50 MB from a model server was read whole). While the hostile work goes on, the event
 * loop is watched: the longest gap between 10 ms ticks must stay far below the stalls seen
 * (9.5–33 s) — a bound on a stall, not a performance figure.
 */
const MAX_STALL_MS = 1_500;

let hostile: Server;
let hostileUrl: string;

/** A model server that misbehaves by path: endless text without events, endless empty events, an answer too long. */
beforeAll(async () => {
  hostile = createServer((request, response) => {
    request.resume();
    const path = request.url ?? "";
    response.writeHead(200, { "Content-Type": path.includes("/json/") ? "application/json" : "text/event-stream" });
    let sent = 0;
    const total = 50 * 1024 * 1024;
    const piece = path.includes("/garbage/")
      ? "x".repeat(64 * 1024)
      : path.includes("/empty-events/")
        ? "data: {}\n\n".repeat(6_000)
        : path.includes("/json/")
          ? `{"choices":[{"message":{"content":"${"y".repeat(64 * 1024)}`
          : `data: ${JSON.stringify({ choices: [{ delta: { content: "z".repeat(10_000) } }] })}\n\n`;
    const pump = () => {
      while (sent < total && !response.destroyed) {
        sent += piece.length;
        if (!response.write(piece)) return void response.once("drain", pump);
      }
      response.end();
    };
    response.on("error", () => {});
    pump();
  });
  await new Promise<void>((resolve) => hostile.listen(0, "127.0.0.1", resolve));
  hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
});

afterAll(async () => {
  hostile.closeAllConnections();
  await new Promise((resolve) => hostile.close(resolve));
  await closeLiveHub();
});

/** Runs `work` while watching the event loop; returns its result and the longest gap between ticks. */
async function watchingTheLoop<T>(work: () => Promise<T>): Promise<{ result: T; longestStallMs: number }> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    const result = await work();
    return { result, longestStallMs: longest };
  } finally {
    clearInterval(ticker);
  }
}

async function liveCampaignWith(models: { name: string; kind?: "PUSHED" | "PULLED"; baseUrl?: string }[]) {
  const slug = `hostile-${uniqueSuffix()}`;
  const created = await createCampaign(null, slug, campaignSettingsSchema.parse({ name: slug }), liveSettingsSchema.parse({ live: true }));
  if (!created.ok) throw new Error("campaign not created");
  const ids = new Map<string, string>();
  const tokens = new Map<string, string>();
  for (const model of models) {
    const added = await addEndpoint(
      null,
      created.id,
      endpointInputSchema.parse({ kind: "PUSHED", ...model, name: `${model.name}-${uniqueSuffix()}` }),
    );
    if (!added.ok) throw new Error(added.code);
    ids.set(model.name, added.endpointId);
    if (added.workerToken) tokens.set(model.name, added.workerToken);
  }
  await db.campaign.update({ where: { id: created.id }, data: { status: "ACTIVE" } });
  const annotator = await createTestUser();
  await db.campaignMember.create({ data: { campaignId: created.id, userId: annotator.id } });
  return { campaignId: created.id, annotator, ids, tokens };
}

describe("a model server that sends too much", () => {
  it.each([
    ["50 MB of text that never ends an event", "/garbage/v1", "error: the endpoint streamed an event over 1 MiB"],
    ["50 MB of events with nothing in them", "/empty-events/v1", "error: the endpoint sent more than 33554432 bytes"],
    ["an answer past the length cap", "/long/v1", `too_long: the answer is longer than ${MAX_ANSWER_CHARS} characters`],
    ["a whole JSON answer past the length cap", "/json/v1", `too_long: the answer is longer than ${MAX_ANSWER_CHARS} characters`],
  ])("%s: fails with its cause, reading no more than it must, and the server keeps answering", async (_, path, error) => {
    const { campaignId, ids } = await liveCampaignWith([{ name: "hostile", baseUrl: `${hostileUrl}${path}` }]);
    const { result, longestStallMs } = await watchingTheLoop(() => testConnection(campaignId, ids.get("hostile")!));
    expect(result).toEqual({ ok: false, error });
    expect(longestStallMs).toBeLessThan(MAX_STALL_MS);
  });
});

describe("a worker that sends too much, or something else than it streamed", () => {
  async function pulledBattle() {
    const { campaignId, annotator, tokens } = await liveCampaignWith([
      { name: "pushed", baseUrl: `${hostileUrl}/long/v1` },
      { name: "pulled", kind: "PULLED" },
    ]);
    const endpoint = (await workerEndpoint(tokens.get("pulled")!))!;
    // The battle's stream is not opened: the pushed side stays pending, the pulled one is the worker's.
    const started = await startBattle(annotator.id, campaignId, "a question");
    if (!started.ok) throw new Error(started.code);
    const job = (await nextJob(endpoint))!;
    const battle = async () => db.liveBattle.findUniqueOrThrow({ where: { id: started.battleId } });
    return { endpoint, job, battle, token: tokens.get("pulled")! };
  }

  it("chunks past the length cap: refused, and the battle is void as too long", async () => {
    const { endpoint, job, battle } = await pulledBattle();
    const piece = "w".repeat(100_000);
    expect(await appendChunk(endpoint.id, job.id, piece)).toMatchObject({ httpStatus: 200 });
    expect(await appendChunk(endpoint.id, job.id, piece)).toMatchObject({ httpStatus: 200 });
    expect(await appendChunk(endpoint.id, job.id, "w")).toMatchObject({
      httpStatus: 409,
      body: { code: "TOO_LONG", error: expect.stringContaining("longer than 200000 characters") },
    });
    expect(await battle()).toMatchObject({ state: "VOIDED", voidCause: "too_long" });
  });

  it("an answer that is not what was streamed voids the battle (the streamed text is what the annotator watched)", async () => {
    const { endpoint, job, battle } = await pulledBattle();
    await appendChunk(endpoint.id, job.id, "I am [Cl](#)");
    await appendChunk(endpoint.id, job.id, "aude.");
    expect(await submitAnswer(endpoint.id, job.id, { content: "A clean answer." })).toMatchObject({ httpStatus: 200 });
    expect(await battle()).toMatchObject({
      state: "VOIDED",
      voidCause: "error",
      voidDetail: expect.stringContaining("not the text it streamed"),
    });
  });

  it("a 10 MB answer is not read: 413, and the battle is void as too long, while votes go on", async () => {
    const { job, battle, token } = await pulledBattle();
    const voter = await createTestUser();
    const { campaign } = await createVotingCampaign({ prompts: 3, models: 2, annotators: [voter.id] });
    const next = await nextAssignmentFor(voter.id, campaign.id);
    if (next.status !== "assigned") throw new Error(next.status);
    const body = JSON.stringify({ content: "v".repeat(10 * 1024 * 1024) });
    const request = new Request(`http://hikaku.test/api/v1/worker/jobs/${job.id}/answer`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body,
    });
    const { result, longestStallMs } = await watchingTheLoop(async () => {
      const [response, vote] = await Promise.all([
        answerRoute(request, { params: Promise.resolve({ id: job.id }) }),
        recordVote(voter.id, { assignmentId: next.assignment.id, outcome: "LEFT", durationMs: 5000 }),
      ]);
      return { status: response.status, vote };
    });
    expect(result.status).toBe(413);
    expect(result.vote).toMatchObject({ ok: true });
    expect(longestStallMs).toBeLessThan(MAX_STALL_MS);
    expect(await battle()).toMatchObject({ state: "VOIDED", voidCause: "too_long" });
  });

  it("an answer whose Markdown is slow to read is read off the main thread, and the server keeps answering", async () => {
    const { endpoint, job } = await pulledBattle();
    // Nested brackets and emphasis: about 1.7 s of parsing on this machine, measured (1.1 s for
    // 5,555 repeats, roughly linear) — longer than the stall bound, so reading it on the server's
    // own thread would fail the bound.
    const slow = "[*_`<a>](".repeat(9_000);
    const { result, longestStallMs } = await watchingTheLoop(() => submitAnswer(endpoint.id, job.id, { content: slow }));
    expect(result).toMatchObject({ httpStatus: 200 });
    expect(longestStallMs).toBeLessThan(MAX_STALL_MS);
    const stored = await db.generationJob.findUniqueOrThrow({ where: { id: job.id.split(".")[0] } });
    // Read in time, its reading is kept for the pair's match text; on a machine too loaded to read
    // it within the deadline the answer counts as unchecked, as designed, and its battle is void.
    if (stored.state === "DONE") expect(stored.readingText?.length ?? 0).toBeGreaterThan(50_000);
    else
      expect(await db.liveBattle.findUniqueOrThrow({ where: { id: stored.battleId } })).toMatchObject({
        state: "VOIDED",
        voidDetail: expect.stringContaining("could not be checked for model names in time"),
      });
  });
});
