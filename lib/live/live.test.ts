// Worker long polls in this file give up after a second when there is nothing to take.
process.env.HIKAKU_WORKER_POLL_SECONDS = "1";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createCampaign } from "@/lib/campaigns/manage";
import { campaignSettingsSchema, liveSettingsSchema, type LiveSettings } from "@/lib/campaigns/settings";
import { db, pool, sql } from "@/lib/db";
import { recordVote } from "@/lib/votes/record-vote";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { createTestUser, uniqueSuffix } from "@/lib/testing/factories";
import { fakeAnswerTokens, startFakeOpenAi, type FakeOpenAi } from "@/lib/testing/fake-openai";
import { choosePair, liveCampaign as readLiveCampaign } from "./campaign-rules";
import { askFollowUp } from "./follow-up";
import { startBattle } from "./start";
import { addEndpoint, endpointInputSchema, testConnection, type EndpointInput } from "./endpoints";
import { closeLiveHub } from "./notify";
import { battleEvents, type BattleState, type LiveEvent } from "./stream";
import { appendChunk, nextJob, submitAnswer, workerEndpoint } from "./worker";

let fake: FakeOpenAi;

beforeAll(async () => {
  fake = await startFakeOpenAi({ tokenDelayMs: 2 });
});

afterAll(async () => {
  await fake.close();
  await closeLiveHub();
});

type Model = { name: string } & Partial<EndpointInput>;

/** An active live campaign with the given models (pushed to the fake server unless `kind: "PULLED"`) and one annotator. */
async function liveCampaign(models: Model[], live: Partial<LiveSettings> = {}) {
  const slug = `live-${uniqueSuffix()}`;
  const created = await createCampaign(
    null,
    slug,
    campaignSettingsSchema.parse({ name: slug }),
    liveSettingsSchema.parse({ live: true, ...live }),
  );
  if (!created.ok) throw new Error("campaign not created");
  const tokens = new Map<string, string>();
  for (const model of models) {
    const name = `${model.name}-${uniqueSuffix()}`;
    const input = endpointInputSchema.parse({
      kind: "PUSHED",
      baseUrl: fake.baseUrl,
      apiKey: "sk-test-secret",
      params: { temperature: 0.3 },
      ...model,
      name,
    });
    const added = await addEndpoint(null, created.id, input);
    if (!added.ok) throw new Error(added.code);
    if (added.workerToken) tokens.set(model.name, added.workerToken);
  }
  await db.campaign.update({ where: { id: created.id }, data: { status: "ACTIVE" } });
  const annotator = await createTestUser();
  await db.campaignMember.create({ data: { campaignId: created.id, userId: annotator.id } });
  return { campaignId: created.id, annotator, tokens };
}

/** Every event of a battle's current turn, as the annotator's browser would receive them. */
async function collect(
  annotatorId: string,
  battleId: string,
  signal = new AbortController().signal,
  known?: BattleState,
): Promise<LiveEvent[]> {
  const events: LiveEvent[] = [];
  for await (const batch of battleEvents(annotatorId, battleId, signal, known)) events.push(...batch);
  return events;
}

function textOf(events: LiveEvent[], side: "left" | "right"): string {
  let text = "";
  for (const event of events) {
    if (event.type === "reset" && event.side === side) text = "";
    if (event.type === "delta" && event.side === side) text += event.text;
  }
  return text;
}

async function battleRow(battleId: string) {
  return db.liveBattle.findUniqueOrThrow({ where: { id: battleId }, include: { jobs: true } });
}

describe("a live battle with two pushed models", () => {
  it("streams both answers, becomes a pair to vote on, and the vote rates the models shown", async () => {
    const { campaignId, annotator } = await liveCampaign([{ name: "alpha" }, { name: "beta" }]);
    // As the prompt's route does it: both sides claimed as they are written, streamed with what startBattle returned.
    const started = await startBattle(annotator.id, campaignId, "日本の首都はどこですか？", { claimForStream: true });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    expect(started.battle.jobs?.map((job) => [job.state, job.claimedHere])).toEqual([
      ["RUNNING", true],
      ["RUNNING", true],
    ]);
    const events = await collect(annotator.id, started.battleId, undefined, started.battle);
    const ready = events.at(-1);
    expect(ready?.type).toBe("ready");
    if (ready?.type !== "ready") return;
    const expected = fakeAnswerTokens([{ role: "user", content: "日本の首都はどこですか？" }]).join("");
    // Each pane got the whole answer, token by token, and the pair shows exactly what streamed.
    expect(textOf(events, "left")).toBe(expected);
    expect(textOf(events, "right")).toBe(expected);
    // Several pieces, each side's text in order (pieces arriving together are sent as one).
    expect(events.filter((e) => e.type === "delta").length).toBeGreaterThan(4);
    expect(ready.assignment.promptTurns).toEqual(["日本の首都はどこですか？"]);
    expect(ready.assignment.leftTurns).toEqual([expected]);

    // The endpoint got the key, the parameters and the conversation; the browser got no model names or ids.
    const battle = await battleRow(started.battleId);
    const calls = fake.requests.filter((r) => r.messages.at(-1)?.content === "日本の首都はどこですか？");
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.authorization).toBe("Bearer sk-test-secret");
      expect(call.body.temperature).toBe(0.3);
      expect(call.body.stream).toBe(true);
    }
    const endpoints = await db.modelEndpoint.findMany({ where: { campaignId }, include: { model: true } });
    const serialized = JSON.stringify(events);
    for (const endpoint of endpoints) {
      expect(serialized).not.toContain(endpoint.model.name);
      expect(serialized).not.toContain(endpoint.id);
      expect(serialized).not.toContain(endpoint.modelId);
    }

    // The vote goes through the ordinary vote path: left means the left endpoint's model.
    const vote = await recordVote(annotator.id, { assignmentId: ready.assignment.id, outcome: "LEFT", durationMs: 3000 });
    expect(vote.ok).toBe(true);
    const stored = await db.vote.findFirstOrThrow({ where: { assignmentId: ready.assignment.id } });
    const modelOf = (endpointId: string) => endpoints.find((e) => e.id === endpointId)!.modelId;
    expect(stored.modelAId).toBe(modelOf(battle.leftEndpointId));
    expect(stored.modelBId).toBe(modelOf(battle.rightEndpointId));
    expect(stored.winner).toBe("MODEL_A");

    // Stored as a live prompt with each answer's parameters and timings.
    const prompt = await db.prompt.findUniqueOrThrow({ where: { id: battle.promptId! }, include: { outputs: true } });
    expect(prompt.source).toBe("LIVE");
    expect(prompt.authorId).toBe(annotator.id);
    expect(prompt.outputs).toHaveLength(2);
    for (const output of prompt.outputs) {
      const generation = output.generation as { params: { temperature: number }; turns: { firstTokenMs: number; totalMs: number }[] };
      expect(generation.params.temperature).toBe(0.3);
      expect(generation.turns[0].totalMs).toBeGreaterThanOrEqual(generation.turns[0].firstTokenMs);
      expect(output.style.length).toBe(4);
    }
    // A live campaign hands out no pairs of its own: after the vote, the annotator writes the next prompt.
    expect((await nextAssignmentFor(annotator.id, campaignId)).status).toBe("live");
  });

  it("sends a follow-up with each side's own earlier answer, and the pair then shows both turns", async () => {
    const { campaignId, annotator } = await liveCampaign([{ name: "alpha" }, { name: "beta" }], { liveMaxTurns: 2 });
    const first = await startBattle(annotator.id, campaignId, "first question");
    if (!first.ok) throw new Error(first.code);
    const firstTurn = (await collect(annotator.id, first.battleId)).at(-1);
    if (firstTurn?.type !== "ready") throw new Error("not ready");
    const { itemId } = await db.assignment.findUniqueOrThrow({ where: { id: firstTurn.assignment.id } });
    const loadBefore = (await db.item.findUniqueOrThrow({ where: { id: itemId } })).load;
    // Two follow-ups at once (two tabs): one is sent, the other finds the pair gone.
    const [followUp, twin] = await Promise.all([
      askFollowUp(annotator.id, firstTurn.assignment.id, "second question", { claimForStream: true }),
      askFollowUp(annotator.id, firstTurn.assignment.id, "second question, again"),
    ]);
    const [sent, refused] = followUp.ok ? [followUp, twin] : [twin, followUp];
    const sentPrompt = followUp.ok ? "second question" : "second question, again";
    expect(sent).toMatchObject({ ok: true, battleId: first.battleId, battle: { state: "GENERATING", assignmentId: null } });
    expect(refused).toEqual({ ok: false, code: "NOT_FOUND" });
    expect(await db.generationJob.count({ where: { battleId: first.battleId, turn: 1 } })).toBe(2);
    // The first assignment is withdrawn (and its pair's load given back): no vote on half a conversation.
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).load).toBe(loadBefore - 1);
    expect((await recordVote(annotator.id, { assignmentId: firstTurn.assignment.id, outcome: "LEFT", durationMs: 1000 })).ok).toBe(false);
    const secondTurn = (await collect(annotator.id, first.battleId, undefined, sent.ok ? sent.battle : undefined)).at(-1);
    if (secondTurn?.type !== "ready") throw new Error("not ready");
    expect(secondTurn.assignment.promptTurns).toEqual(["first question", sentPrompt]);
    expect(secondTurn.assignment.leftTurns).toHaveLength(2);
    const call = fake.requests.find((r) => r.messages.at(-1)?.content === sentPrompt)!;
    expect(call.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(call.messages[1].content).toBe(firstTurn.assignment.leftTurns[0]);
    // The campaign allows two turns: a third is refused.
    expect(await askFollowUp(annotator.id, secondTurn.assignment.id, "third question")).toEqual({ ok: false, code: "TOO_MANY_TURNS" });
    expect((await recordVote(annotator.id, { assignmentId: secondTurn.assignment.id, outcome: "TIE", durationMs: 1000 })).ok).toBe(true);
  });
});

describe("a vote and a follow-up on the same pair at once", () => {
  it("one of them happens: never a vote on the first turn and a second turn to vote on as well", async () => {
    for (let round = 0; round < 3; round++) {
      const { campaignId, annotator } = await liveCampaign([{ name: "v" }, { name: "w" }], { liveMaxTurns: 2 });
      const started = await startBattle(annotator.id, campaignId, "a question");
      if (!started.ok) throw new Error(started.code);
      const ready = (await collect(annotator.id, started.battleId)).at(-1);
      if (ready?.type !== "ready") throw new Error("not ready");
      const [vote, followUp] = await Promise.all([
        recordVote(annotator.id, { assignmentId: ready.assignment.id, outcome: "LEFT", durationMs: 1000 }),
        askFollowUp(annotator.id, ready.assignment.id, "and another"),
      ]);
      expect([vote.ok, followUp.ok].filter(Boolean)).toHaveLength(1);
      expect(await db.vote.count({ where: { campaignId } })).toBe(vote.ok ? 1 : 0);
      expect(await db.generationJob.count({ where: { battleId: started.battleId, turn: 1 } })).toBe(followUp.ok ? 2 : 0);
    }
  });
});

describe("an endpoint's concurrency limit", () => {
  it("holds across battles: a second battle's sides wait for a free slot, then stream", async () => {
    const { campaignId, annotator } = await liveCampaign([
      { name: "solo-a", concurrency: 1 },
      { name: "solo-b", concurrency: 1 },
    ]);
    const other = await createTestUser();
    await db.campaignMember.create({ data: { campaignId, userId: other.id } });
    const first = await startBattle(annotator.id, campaignId, "first in line", { claimForStream: true });
    const second = await startBattle(other.id, campaignId, "second in line", { claimForStream: true });
    if (!first.ok || !second.ok) throw new Error("not started");
    expect(first.battle.jobs?.map((job) => job.state)).toEqual(["RUNNING", "RUNNING"]);
    // Each model answers one prompt at a time: the second battle's sides are not claimed yet.
    expect(second.battle.jobs?.map((job) => [job.state, job.claimedHere])).toEqual([
      ["PENDING", false],
      ["PENDING", false],
    ]);
    const [firstEvents, secondEvents] = await Promise.all([
      collect(annotator.id, first.battleId, undefined, first.battle),
      collect(other.id, second.battleId, undefined, second.battle),
    ]);
    expect(firstEvents.at(-1)?.type).toBe("ready");
    expect(secondEvents.at(-1)?.type).toBe("ready");
    // The second battle's models were asked only after the first battle's answers were complete.
    const started = await db.generationJob.findMany({ where: { battleId: second.battleId }, select: { startedAt: true } });
    const finished = await db.generationJob.findMany({ where: { battleId: first.battleId }, select: { finishedAt: true } });
    const firstDone = Math.min(...finished.map((job) => job.finishedAt!.getTime()));
    for (const job of started) expect(job.startedAt!.getTime()).toBeGreaterThanOrEqual(firstDone);
  });
});

describe("a failed side voids the battle, records the cause and never produces a vote", () => {
  it.each([
    ["broken", "error", "HTTP 500"],
    ["silent", "empty", "empty"],
    ["leaky", "identity", "names a model"],
    ["garbled", "error", "not JSON"],
  ])("%s model → %s", async (prefix, cause, detail) => {
    const { campaignId, annotator } = await liveCampaign([{ name: "good" }, { name: prefix }]);
    const started = await startBattle(annotator.id, campaignId, "hello", { claimForStream: true });
    if (!started.ok) throw new Error(started.code);
    // As the prompt's route streams it: with the battle as startBattle returned it, not read again.
    const events = await collect(annotator.id, started.battleId, undefined, started.battle);
    expect(events.at(-1)).toEqual({ type: "void", cause });
    const battle = await battleRow(started.battleId);
    expect(battle.state).toBe("VOIDED");
    expect(battle.voidCause).toBe(cause);
    // For the researcher: which model failed and how.
    expect(battle.voidDetail).toContain(`${prefix}-`);
    expect(battle.voidDetail).toContain(detail);
    expect(battle.promptId).toBeNull();
    expect(await db.vote.count({ where: { campaignId } })).toBe(0);
    expect(await db.assignment.count({ where: { campaignId } })).toBe(0);
    // An answer that names its model never reaches the browser, not even in pieces of the stream.
    if (prefix === "leaky") expect(JSON.stringify(events)).not.toContain("leaky-");
    const failed = await db.modelEndpoint.findFirstOrThrow({ where: { campaignId, model: { name: { startsWith: prefix } } } });
    expect(failed.failed).toBe(1);
  });

  it("a closed page stops both generations and voids the battle", async () => {
    const { campaignId, annotator } = await liveCampaign([{ name: "slow" }, { name: "slow-too" }]);
    const started = await startBattle(annotator.id, campaignId, "take your time");
    if (!started.ok) throw new Error(started.code);
    const page = new AbortController();
    const events: LiveEvent[] = [];
    for await (const batch of battleEvents(annotator.id, started.battleId, page.signal)) {
      events.push(...batch);
      // Both sides have started answering: the annotator closes the page.
      if (new Set(events.map((e) => e.type === "delta" && e.side)).size === 2) page.abort();
    }
    const battle = await battleRow(started.battleId);
    expect(battle.state).toBe("VOIDED");
    expect(battle.voidCause).toBe("cancelled");
    expect(battle.jobs.every((job) => job.state === "CANCELLED")).toBe(true);
    await expect
      .poll(() => fake.requests.filter((r) => r.messages.at(-1)?.content === "take your time").every((r) => r.aborted))
      .toBe(true);
  });

  it("an endpoint that does not finish within its timeout voids the battle", async () => {
    const { campaignId, annotator } = await liveCampaign([{ name: "good" }, { name: "slow", timeoutSeconds: 1 }]);
    const started = await startBattle(annotator.id, campaignId, "quick please");
    if (!started.ok) throw new Error(started.code);
    expect((await collect(annotator.id, started.battleId)).at(-1)).toEqual({ type: "void", cause: "timeout" });
  });
});

describe("pulled models: workers poll for prompts", () => {
  it("a worker's streamed chunks reach the annotator's pane, and its answer completes the battle", async () => {
    const { campaignId, annotator, tokens } = await liveCampaign([{ name: "pushed" }, { name: "pulled", kind: "PULLED" }]);
    const endpoint = (await workerEndpoint(tokens.get("pulled")!))!;
    expect(endpoint).not.toBeNull();
    expect(await workerEndpoint("hkw_wrong")).toBeNull();
    const started = await startBattle(annotator.id, campaignId, "worker question");
    if (!started.ok) throw new Error(started.code);
    const stream = collect(annotator.id, started.battleId);

    const job = (await nextJob(endpoint))!;
    expect(job.messages).toEqual([{ role: "user", content: "worker question" }]);
    expect(job.leaseSeconds).toBeGreaterThan(0);
    expect(await appendChunk(endpoint.id, job.id, "Hello ")).toMatchObject({ httpStatus: 200 });
    expect(await appendChunk(endpoint.id, job.id, "from a GPU box.")).toMatchObject({ httpStatus: 200 });
    expect(await submitAnswer(endpoint.id, job.id, { content: "Hello from a GPU box." })).toEqual({ httpStatus: 200, body: { ok: true } });
    // Sending the same answer again is harmless; a different one is not accepted.
    expect(await submitAnswer(endpoint.id, job.id, { content: "Hello from a GPU box." })).toEqual({ httpStatus: 200, body: { ok: true } });
    expect(await submitAnswer(endpoint.id, job.id, { content: "Something else" })).toMatchObject({ httpStatus: 409 });

    const events = await stream;
    const ready = events.at(-1);
    if (ready?.type !== "ready") throw new Error(`not ready: ${JSON.stringify(ready)}`);
    const battle = await battleRow(started.battleId);
    const pulledOnLeft = battle.leftEndpointId === endpoint.id;
    expect(textOf(events, pulledOnLeft ? "left" : "right")).toBe("Hello from a GPU box.");
    expect((pulledOnLeft ? ready.assignment.leftTurns : ready.assignment.rightTurns)[0]).toBe("Hello from a GPU box.");
    // Another model's worker cannot touch this job.
    const { tokens: otherTokens } = await liveCampaign([{ name: "x" }, { name: "y", kind: "PULLED" }]);
    const other = (await workerEndpoint(otherTokens.get("y")!))!;
    expect(await submitAnswer(other.id, job.id, { content: "hijack" })).toMatchObject({ httpStatus: 404 });
  });

  it("a crashed worker's lease lapses, the prompt goes to another worker, and the first one's late answer is refused", async () => {
    const { campaignId, annotator, tokens } = await liveCampaign([{ name: "pushed" }, { name: "pulled", kind: "PULLED" }]);
    const endpoint = (await workerEndpoint(tokens.get("pulled")!))!;
    const started = await startBattle(annotator.id, campaignId, "lease question");
    if (!started.ok) throw new Error(started.code);
    const stream = collect(annotator.id, started.battleId);
    const crashed = (await nextJob(endpoint))!;
    await appendChunk(endpoint.id, crashed.id, "half an ans");
    // Nothing else is waiting while the lease holds.
    expect(await nextJob(endpoint)).toBeNull();
    await db.generationJob.updateMany({
      where: { battleId: started.battleId, endpointId: endpoint.id },
      data: { leaseUntil: new Date(Date.now() - 1000) },
    });
    const second = (await nextJob(endpoint))!;
    expect(second.id).not.toBe(crashed.id);
    expect(second.id.split(".")[0]).toBe(crashed.id.split(".")[0]);
    expect(await appendChunk(endpoint.id, crashed.id, "swer")).toMatchObject({ httpStatus: 409 });
    expect(await submitAnswer(endpoint.id, crashed.id, { content: "half an answer" })).toMatchObject({ httpStatus: 409 });
    expect(await submitAnswer(endpoint.id, second.id, { content: "A whole answer." })).toMatchObject({ httpStatus: 200 });
    const events = await stream;
    expect(events.at(-1)?.type).toBe("ready");
    const battle = await battleRow(started.battleId);
    const side = battle.leftEndpointId === endpoint.id ? "left" : "right";
    // The pane that showed the first worker's partial text started again.
    expect(events).toContainEqual({ type: "reset", side });
    expect(textOf(events, side)).toBe("A whole answer.");
  });

  it("a worker's error voids the battle; a chunk naming its model voids it before anyone sees it", async () => {
    for (const [name, act, cause] of [
      ["err", (id: string, ref: string) => submitAnswer(id, ref, { error: "CUDA out of memory" }), "error"],
      ["named", (id: string, ref: string) => appendChunk(id, ref, "I was trained as the model named-"), "identity"],
    ] as const) {
      const { campaignId, annotator, tokens } = await liveCampaign([{ name: "pushed" }, { name, kind: "PULLED" }]);
      const endpoint = (await workerEndpoint(tokens.get(name)!))!;
      const started = await startBattle(annotator.id, campaignId, `please fail ${name}`);
      if (!started.ok) throw new Error(started.code);
      const stream = collect(annotator.id, started.battleId);
      const job = (await nextJob(endpoint))!;
      const model = (await db.modelEndpoint.findUniqueOrThrow({ where: { id: endpoint.id }, include: { model: true } })).model.name;
      if (name === "named") await appendChunk(endpoint.id, job.id, `I was trained as ${model}. `);
      else await act(endpoint.id, job.id);
      const events = await stream;
      expect(events.at(-1)).toEqual({ type: "void", cause });
      expect(JSON.stringify(events)).not.toContain(model);
      expect((await battleRow(started.battleId)).voidDetail).toContain(cause === "error" ? "CUDA out of memory" : "names a model");
    }
  });
});

describe("what an annotator may send", () => {
  it("holds the hourly limit and one battle at a time when prompts arrive together", async () => {
    const { campaignId, annotator } = await liveCampaign([{ name: "p" }, { name: "q" }], { livePromptsPerHour: 2 });
    const results = await Promise.all(["1", "2", "3", "4", "5"].map((prompt) => startBattle(annotator.id, campaignId, `prompt ${prompt}`)));
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    expect(results.filter((r) => !r.ok)).toEqual(Array(3).fill({ ok: false, code: "RATE_LIMITED" }));
    const battles = await db.liveBattle.findMany({ where: { campaignId }, include: { jobs: true } });
    expect(battles.map((b) => b.state).sort()).toEqual(["GENERATING", "VOIDED"]);
    // The battle the second prompt replaced: its jobs stopped, none left for a model or a worker.
    const replaced = battles.find((b) => b.state === "VOIDED")!;
    expect(replaced.voidCause).toBe("cancelled");
    expect(replaced.jobs.map((j) => j.state)).toEqual(["CANCELLED", "CANCELLED"]);
    const current = battles.find((b) => b.state === "GENERATING")!;
    expect(current.jobs.map((j) => j.state)).toEqual(["PENDING", "PENDING"]);
    expect(current.jobs.filter((j) => j.onLeft)).toHaveLength(1);
  });

  it("refuses empty, too long, blocked and too many prompts, and non-members", async () => {
    const { campaignId, annotator } = await liveCampaign([{ name: "a" }, { name: "b" }], {
      livePromptMaxChars: 100,
      livePromptsPerHour: 2,
      moderationWords: ["forbidden topic"],
    });
    expect(await startBattle(annotator.id, campaignId, "   ")).toEqual({ ok: false, code: "EMPTY" });
    expect(await startBattle(annotator.id, campaignId, "x".repeat(101))).toEqual({ ok: false, code: "TOO_LONG" });
    // Matched as an annotator would read it: full-width letters are the same words.
    expect(await startBattle(annotator.id, campaignId, "Tell me about the ＦＯＲＢＩＤＤＥＮ topic")).toEqual({
      ok: false,
      code: "MODERATED",
    });
    expect((await startBattle(annotator.id, campaignId, "one")).ok).toBe(true);
    expect((await startBattle(annotator.id, campaignId, "two")).ok).toBe(true);
    expect(await startBattle(annotator.id, campaignId, "three")).toEqual({ ok: false, code: "RATE_LIMITED" });
    // Starting the second battle voided the first one the annotator left unanswered.
    expect(await db.liveBattle.count({ where: { campaignId, state: "VOIDED", voidCause: "cancelled" } })).toBe(1);
    const stranger = await createTestUser();
    expect(await startBattle(stranger.id, campaignId, "hi")).toEqual({ ok: false, code: "NOT_FOUND" });
    // Another annotator cannot read someone's battle.
    const battle = await db.liveBattle.findFirstOrThrow({ where: { campaignId, state: "GENERATING" } });
    expect(await collect(stranger.id, battle.id)).toEqual([]);
  });

  it("needs two enabled models and a live, open campaign", async () => {
    const single = await liveCampaign([{ name: "lonely" }]);
    expect(await startBattle(single.annotator.id, single.campaignId, "hi")).toEqual({ ok: false, code: "NO_MODELS" });
    const closed = await liveCampaign([{ name: "a" }, { name: "b" }]);
    await db.campaign.update({ where: { id: closed.campaignId }, data: { status: "CLOSED" } });
    expect(await startBattle(closed.annotator.id, closed.campaignId, "hi")).toEqual({ ok: false, code: "CLOSED" });
    await db.campaign.update({ where: { id: closed.campaignId }, data: { status: "ACTIVE", live: false } });
    expect(await startBattle(closed.annotator.id, closed.campaignId, "hi")).toEqual({ ok: false, code: "NOT_LIVE" });
  });
});

describe("a prompt decided on the campaign as this instance read it a moment ago", () => {
  /** The statements sent to the pool while `work` runs, by their text. */
  async function statementsDuring<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const spy = vi.spyOn(pool(), "query");
    try {
      const result = await work();
      return {
        result,
        statements: spy.mock.calls.map(([text]) => String(typeof text === "string" ? text : (text as { text: string }).text)),
      };
    } finally {
      spy.mockRestore();
    }
  }
  const readsCampaign = (statement: string) => statement.includes('FROM "PairStat" s');

  it("is written in one round trip, with no read of the campaign", async () => {
    const { campaignId, annotator } = await liveCampaign([{ name: "a" }, { name: "b" }]);
    const first = await statementsDuring(() => startBattle(annotator.id, campaignId, "first"));
    expect(first.statements.some(readsCampaign)).toBe(true);
    const next = await statementsDuring(() => startBattle(annotator.id, campaignId, "next"));
    expect(next.result.ok).toBe(true);
    expect(next.statements.filter((s) => !s.includes("deadline < now()")).length).toBe(1);
    expect(next.statements.some(readsCampaign)).toBe(false);
  });

  it("still follows every change made since: words, length, identity words, models, status and the annotator's account", async () => {
    const { campaignId, annotator } = await liveCampaign([{ name: "a" }, { name: "b" }, { name: "c" }]);
    expect((await startBattle(annotator.id, campaignId, "about cats")).ok).toBe(true);
    // Blocked words and a shorter limit: refused although the campaign as read would take the prompt.
    await db.campaign.update({ where: { id: campaignId }, data: { moderationWords: ["cats"] } });
    expect(await startBattle(annotator.id, campaignId, "more about cats")).toEqual({ ok: false, code: "MODERATED" });
    // A prompt the new words allow is sent.
    expect((await startBattle(annotator.id, campaignId, "about dogs")).ok).toBe(true);
    // A new system prompt reaches the models.
    await db.modelEndpoint.updateMany({ where: { campaignId }, data: { systemPrompt: "Answer briefly." } });
    const briefed = await startBattle(annotator.id, campaignId, "what is rain");
    if (!briefed.ok) throw new Error(briefed.code);
    expect(briefed.battle.jobs!.map((job) => job.messages[0])).toEqual(Array(2).fill({ role: "system", content: "Answer briefly." }));
    // New identity words reach the stream's guard.
    await db.campaign.update({ where: { id: campaignId }, data: { identityWords: { push: "secret-codename" } } });
    const guarded = await startBattle(annotator.id, campaignId, "who are you");
    if (!guarded.ok) throw new Error(guarded.code);
    expect(guarded.battle.identityWords).toContain("secret-codename");
    await db.campaign.update({ where: { id: campaignId }, data: { livePromptMaxChars: 5 } });
    expect(await startBattle(annotator.id, campaignId, "too long now")).toEqual({ ok: false, code: "TOO_LONG" });
    await db.campaign.update({ where: { id: campaignId }, data: { livePromptMaxChars: 1000 } });
    // Two of three models switched off: no pair left.
    const [on, ...off] = await db.modelEndpoint.findMany({ where: { campaignId } });
    await db.modelEndpoint.updateMany({ where: { id: { in: off.map((e) => e.id) } }, data: { enabled: false } });
    expect(await startBattle(annotator.id, campaignId, "anyone there")).toEqual({ ok: false, code: "NO_MODELS" });
    await db.modelEndpoint.updateMany({ where: { campaignId }, data: { enabled: true } });
    expect((await startBattle(annotator.id, campaignId, "all back")).ok).toBe(true);
    await db.modelEndpoint.update({ where: { id: on.id }, data: { enabled: false } });
    for (const prompt of ["one", "two", "three"]) {
      const started = await startBattle(annotator.id, campaignId, prompt);
      if (!started.ok) throw new Error(started.code);
      expect(started.battle.jobs!.map((job) => job.endpointId)).not.toContain(on.id);
    }
    // The campaign closed; the annotator removed; the account disabled.
    await db.campaign.update({ where: { id: campaignId }, data: { status: "CLOSED" } });
    expect(await startBattle(annotator.id, campaignId, "closed?")).toEqual({ ok: false, code: "CLOSED" });
    await db.campaign.update({ where: { id: campaignId }, data: { status: "ACTIVE" } });
    expect((await startBattle(annotator.id, campaignId, "open again")).ok).toBe(true);
    await db.user.update({ where: { id: annotator.id }, data: { disabled: true } });
    expect(await startBattle(annotator.id, campaignId, "still here?")).toEqual({ ok: false, code: "UNAUTHENTICATED" });
    await db.user.update({ where: { id: annotator.id }, data: { disabled: false } });
    await db.campaignMember.deleteMany({ where: { campaignId, userId: annotator.id } });
    expect(await startBattle(annotator.id, campaignId, "member?")).toEqual({ ok: false, code: "NOT_FOUND" });
  });

  it("a follow-up too: refused once its words are blocked, and by a disabled account", async () => {
    const { campaignId, annotator } = await liveCampaign([{ name: "a" }, { name: "b" }], { liveMaxTurns: 3 });
    const first = await startBattle(annotator.id, campaignId, "first", { claimForStream: true });
    if (!first.ok) throw new Error(first.code);
    const turn = (await collect(annotator.id, first.battleId, undefined, first.battle)).at(-1);
    if (turn?.type !== "ready") throw new Error("not ready");
    await db.campaign.update({ where: { id: campaignId }, data: { moderationWords: ["second"] } });
    expect(await askFollowUp(annotator.id, turn.assignment.id, "a second question")).toEqual({ ok: false, code: "MODERATED" });
    await db.user.update({ where: { id: annotator.id }, data: { disabled: true } });
    expect(await askFollowUp(annotator.id, turn.assignment.id, "another question")).toEqual({ ok: false, code: "UNAUTHENTICATED" });
    await db.user.update({ where: { id: annotator.id }, data: { disabled: false } });
    expect((await askFollowUp(annotator.id, turn.assignment.id, "another question")).ok).toBe(true);
  });
});

describe("model endpoints", () => {
  it("stores the API key encrypted and adds the model's names to the identity words", async () => {
    const { campaignId } = await liveCampaign([{ name: "keyed", apiModel: "vendor/keyed-7b" }, { name: "other" }]);
    const endpoint = await db.modelEndpoint.findFirstOrThrow({
      where: { campaignId, model: { name: { startsWith: "keyed" } } },
      include: { model: true },
    });
    expect(endpoint.apiKeyCipher).toMatch(/^v2\./);
    expect(endpoint.apiKeyCipher).not.toContain("sk-test-secret");
    const campaign = await db.campaign.findUniqueOrThrow({ where: { id: campaignId } });
    expect(campaign.identityWords).toEqual(expect.arrayContaining([endpoint.model.name, "vendor/keyed-7b"]));
  });

  it("tests a connection: time to the first token and the beginning of the answer, or the failure", async () => {
    const { campaignId } = await liveCampaign([{ name: "fine" }, { name: "broken" }]);
    const endpoints = await db.modelEndpoint.findMany({ where: { campaignId }, include: { model: true } });
    const fine = await testConnection(campaignId, endpoints.find((e) => e.model.name.startsWith("fine"))!.id);
    expect(fine).toMatchObject({ ok: true, sample: expect.stringContaining("Turn 1.") });
    if (fine.ok) expect(fine.totalMs).toBeGreaterThanOrEqual(fine.firstTokenMs);
    const broken = await testConnection(campaignId, endpoints.find((e) => e.model.name.startsWith("broken"))!.id);
    expect(broken).toMatchObject({ ok: false, error: expect.stringContaining("HTTP 500") });
  });
});

describe("which two models answer", () => {
  it("balanced: the pair with the fewest votes so far; either model may be on the left", async () => {
    const { campaignId, annotator } = await liveCampaign([{ name: "m1" }, { name: "m2" }, { name: "m3" }]);
    const endpoints = await db.modelEndpoint.findMany({ where: { campaignId }, orderBy: { modelId: "asc" } });
    const [a, b, c] = endpoints.map((e) => e.modelId);
    // Every pair has votes except (a, c).
    await db.pairStat.createMany({
      data: [
        { campaignId, lowModelId: a, highModelId: b, votes: 5, winsLow: 2, winsHigh: 3 },
        { campaignId, lowModelId: b, highModelId: c, votes: 3, winsLow: 1, winsHigh: 2 },
        { campaignId, lowModelId: a, highModelId: c, votes: 1, winsLow: 1, winsHigh: 0 },
      ],
    });
    // The models and their tallies as a prompt reads them from the database.
    const { endpoints: enabled, pairTallies } = (await readLiveCampaign(sql, annotator.id, campaignId))!;
    expect(enabled.map((e) => e.modelId)).toEqual([a, b, c]);
    const sides = new Set<string>();
    for (const random of [0.1, 0.7, 0.3, 0.9]) {
      const pair = choosePair(enabled, pairTallies, "BALANCED", () => random);
      expect(pair!.map((e) => e.modelId).sort()).toEqual([a, c].sort());
      sides.add(pair![0].modelId);
    }
    expect(sides.size).toBe(2);
  });
});
