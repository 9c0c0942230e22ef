import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { recordVote } from "@/lib/votes/record-vote";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { createTestUser } from "@/lib/testing/factories";
import { fakeAnswerTokens } from "@/lib/testing/fake-openai";
import { battleRow, collect, liveTestServer, textOf } from "@/lib/testing/live-campaigns";
import { askFollowUp } from "@/lib/live/follow-up";
import { startBattle } from "@/lib/live/start";
import { battleEvents, type LiveEvent } from "@/lib/live/stream";

const server = liveTestServer();
const liveCampaign = server.liveCampaign;

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
    const calls = server.fake.requests.filter((r) => r.messages.at(-1)?.content === "日本の首都はどこですか？");
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
    const call = server.fake.requests.find((r) => r.messages.at(-1)?.content === sentPrompt)!;
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
      .poll(() => server.fake.requests.filter((r) => r.messages.at(-1)?.content === "take your time").every((r) => r.aborted))
      .toBe(true);
  });

  it("an endpoint that does not finish within its timeout voids the battle", async () => {
    const { campaignId, annotator } = await liveCampaign([{ name: "good" }, { name: "slow", timeoutSeconds: 1 }]);
    const started = await startBattle(annotator.id, campaignId, "quick please");
    if (!started.ok) throw new Error(started.code);
    expect((await collect(annotator.id, started.battleId)).at(-1)).toEqual({ type: "void", cause: "timeout" });
  });
});
