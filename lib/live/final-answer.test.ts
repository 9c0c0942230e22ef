// Worker long polls in this file give up after a second when there is nothing to take.
process.env.HIKAKU_WORKER_POLL_SECONDS = "1";

import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { metrics } from "@/lib/metrics/metrics";
import { battleRow, collect, liveTestServer } from "@/lib/testing/live-campaigns";
import { MAX_ANSWER_CHARS } from "@/lib/live/openai";
import { askFollowUp } from "@/lib/live/follow-up";
import { startBattle } from "@/lib/live/start";
import { sweepLiveBattles } from "@/lib/live/sweep";
import { nextJob, submitAnswer, workerEndpoint } from "@/lib/live/worker";

// The checks a finished answer gets as a whole (lib/live/finish.ts), apart from the checks of its
// stream: each answer here is sent whole, without streamed chunks, so nothing but the final check
// stands between it and the annotator.

const server = liveTestServer();

/** A battle between two pulled models, each side's job taken by its worker. */
async function battleOfWorkers(prompt: string) {
  const { campaignId, annotator, tokens } = await server.liveCampaign([
    { name: "first", kind: "PULLED" },
    { name: "second", kind: "PULLED" },
  ]);
  const workers = await Promise.all(["first", "second"].map(async (name) => (await workerEndpoint(tokens.get(name)!))!));
  const started = await startBattle(annotator.id, campaignId, prompt);
  if (!started.ok) throw new Error(started.code);
  // A check that fails leaves the battle generating: the wait ends, and the test says what came instead.
  const events = collect(annotator.id, started.battleId, AbortSignal.timeout(20_000));
  const jobs = await Promise.all(workers.map(async (worker) => (await nextJob(worker))!));
  return { annotatorId: annotator.id, battleId: started.battleId, workers, jobs, events };
}

/** Void battles of one cause counted in /metrics (hikaku_live_battles_void_total). */
async function voidsCounted(cause: string): Promise<number> {
  return (await metrics().liveBattlesVoid.get()).values.find((value) => value.labels.cause === cause)?.value ?? 0;
}

describe("a worker's whole answer is checked before the pair can be voted on", () => {
  it("an answer of nothing but white space voids the battle as empty", async () => {
    const battle = await battleOfWorkers("say nothing");
    const countedBefore = await voidsCounted("empty");
    expect(await submitAnswer(battle.workers[0].id, battle.jobs[0].id, { content: "  \n\t " })).toMatchObject({ httpStatus: 200 });
    expect((await battle.events).at(-1)).toEqual({ type: "void", cause: "empty" });
    expect((await battleRow(battle.battleId)).voidDetail).toContain("empty");
    // Operators see it in /metrics, by its cause.
    expect(await voidsCounted("empty")).toBe(countedBefore + 1);
  });

  it("an answer that names its model only once its Markdown is rendered voids the battle, and the name never reaches the page", async () => {
    const battle = await battleOfWorkers("who are you");
    const modelName = (await db.modelEndpoint.findUniqueOrThrow({ where: { id: battle.workers[0].id }, include: { model: true } })).model
      .name;
    const split = Math.ceil(modelName.length / 2);
    // A link splits the name in the source; the rendered text, which the annotator reads, joins it.
    const answer = `I am [${modelName.slice(0, split)}](#)${modelName.slice(split)}.`;
    expect(answer).not.toContain(modelName);
    expect(await submitAnswer(battle.workers[0].id, battle.jobs[0].id, { content: answer })).toMatchObject({ httpStatus: 200 });
    const events = await battle.events;
    expect(events.at(-1)).toEqual({ type: "void", cause: "identity" });
    expect(JSON.stringify(events)).not.toContain(modelName.slice(split));
    expect((await battleRow(battle.battleId)).voidDetail).toContain("names a model");
  });

  it("an answer over the length cap voids the battle as too long, and its text is not kept", async () => {
    const battle = await battleOfWorkers("write a lot");
    const answer = "a".repeat(MAX_ANSWER_CHARS + 1);
    expect(await submitAnswer(battle.workers[0].id, battle.jobs[0].id, { content: answer })).toMatchObject({ httpStatus: 200 });
    expect((await battle.events).at(-1)).toEqual({ type: "void", cause: "too_long" });
    const row = await battleRow(battle.battleId);
    expect(row.voidDetail).toContain(`longer than ${MAX_ANSWER_CHARS}`);
    expect(row.jobs.find((job) => job.endpointId === battle.workers[0].id)?.content).toBe("");
  });

  it("an answer at the cap, clean on both sides, makes the pair", async () => {
    const battle = await battleOfWorkers("write exactly enough");
    expect(await submitAnswer(battle.workers[0].id, battle.jobs[0].id, { content: "b".repeat(MAX_ANSWER_CHARS) })).toMatchObject({
      httpStatus: 200,
    });
    expect(await submitAnswer(battle.workers[1].id, battle.jobs[1].id, { content: "A short answer." })).toMatchObject({
      httpStatus: 200,
    });
    const events = await battle.events;
    expect(events.at(-1)?.type).toBe("ready");
    // Nothing was streamed, so no pane had text to take back.
    expect(events.filter((event) => event.type === "reset")).toEqual([]);
    // The pair is stored under its models in id order, as every other pair is, so that its votes
    // land in the same running tallies (PairStat) as the same two models' imported pairs.
    const { promptId, assignmentId } = await battleRow(battle.battleId);
    const item = await db.item.findFirstOrThrow({ where: { promptId: promptId! } });
    expect(item.lowModelId < item.highModelId).toBe(true);
    expect(await db.pairStat.count({ where: { lowModelId: item.lowModelId, highModelId: item.highModelId } })).toBe(1);
    // Once the pair's time to be voted on has run out, it takes no follow-up either.
    await db.assignment.update({ where: { id: assignmentId! }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await askFollowUp(battle.annotatorId, assignmentId!, "and one more thing")).toEqual({ ok: false, code: "CLOSED" });
  });
});

describe("the sweep of late answers", () => {
  it("voids a battle whose answer is past its deadline, once, and the worker's late answer is then refused", async () => {
    const battle = await battleOfWorkers("answer slowly");
    await db.generationJob.update({ where: { id: battle.jobs[0].id.split(".")[0] }, data: { deadline: new Date(Date.now() - 1000) } });
    expect(await sweepLiveBattles()).toBe(1);
    expect((await battle.events).at(-1)).toEqual({ type: "void", cause: "timeout" });
    expect((await battleRow(battle.battleId)).voidDetail).toContain("timeout");
    // Its other side was cancelled with it: nothing is left for the next sweep.
    expect(await sweepLiveBattles()).toBe(0);
    expect(await submitAnswer(battle.workers[0].id, battle.jobs[0].id, { content: "Too late." })).toMatchObject({ httpStatus: 409 });
  });
});
