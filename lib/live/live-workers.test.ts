// Worker long polls in this file give up after a second when there is nothing to take.
process.env.HIKAKU_WORKER_POLL_SECONDS = "1";

import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { battleRow, collect, liveTestServer, textOf } from "@/lib/testing/live-campaigns";
import { startBattle } from "@/lib/live/start";
import { appendChunk, nextJob, submitAnswer, workerEndpoint } from "@/lib/live/worker";
import { endpointKey, subscribe } from "@/lib/live/notify";
import { within } from "@/lib/testing/within";

const server = liveTestServer();
const liveCampaign = server.liveCampaign;

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
    // The streamed pieces are in the answer now: none is kept beside it. The worker shows as seen.
    expect(await db.generationChunk.count({ where: { jobId: job.id.split(".")[0] } })).toBe(0);
    expect((await db.modelEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).lastSeenAt).not.toBeNull();
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
    // What the crashed worker streamed is not the new attempt's: it is gone.
    expect(await db.generationChunk.count({ where: { jobId: crashed.id.split(".")[0] } })).toBe(0);
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

  it("a worker waiting on its model is woken as a battle starts, not at the end of its wait", async () => {
    const { campaignId, annotator, tokens } = await liveCampaign([{ name: "pushed" }, { name: "waiting", kind: "PULLED" }]);
    const endpoint = (await workerEndpoint(tokens.get("waiting")!))!;
    // The wake-up a long poll waits on (its own timer is only for one that was missed).
    let woken!: () => void;
    const wakeUp = new Promise<void>((resolve) => (woken = resolve));
    const unsubscribe = await subscribe(endpointKey(endpoint.id), () => woken());
    try {
      const started = await startBattle(annotator.id, campaignId, "wake the worker");
      if (!started.ok) throw new Error(started.code);
      await within(wakeUp, "never woken");
      expect((await nextJob(endpoint))?.messages).toEqual([{ role: "user", content: "wake the worker" }]);
    } finally {
      unsubscribe();
    }
  });
});
