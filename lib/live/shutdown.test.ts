import { describe, expect, it, vi } from "vitest";
import { openBattles } from "@/lib/lifecycle";
import { metrics } from "@/lib/metrics/metrics";
import { battleRow, liveTestServer } from "@/lib/testing/live-campaigns";
import { writeBattleEvents } from "./event-response";
import { voidOpenBattles } from "./shutdown";
import { startBattle } from "./start";

/**
 * An instance shutting down voids the battles it is streaming (lib/shutdown.ts calls this before
 * the server closes): their annotators' streams end with a void event instead of breaking off.
 * bench/graceful-shutdown.ts checks the whole process; this checks which battles, in-process.
 */
const server = liveTestServer();

const shutdownVoids = async () =>
  (await metrics().liveBattlesVoid.get()).values.find((value) => value.labels.cause === "shutdown")?.value ?? 0;

describe("voidOpenBattles", () => {
  it("voids the battles this instance streams and no other, and each stream ends with a void event", async () => {
    // slow-… models send one token, then nothing: the battles stay open.
    const streamed = await server.liveCampaign([{ name: "slow-a" }, { name: "slow-b" }]);
    const elsewhere = await server.liveCampaign([{ name: "slow-c" }, { name: "slow-d" }]);
    const started = await startBattle(streamed.annotator.id, streamed.campaignId, "hello", { claimForStream: true });
    const notStreamed = await startBattle(elsewhere.annotator.id, elsewhere.campaignId, "hello");
    if (!started.ok || !notStreamed.ok) throw new Error("not started");
    const written: string[] = [];
    let closed = false;
    const sink = { write: (text: string) => void written.push(text), close: () => void (closed = true) };
    const streaming = writeBattleEvents(sink, streamed.annotator.id, started.battleId, new AbortController().signal, started.battle);
    await vi.waitFor(() => expect(written.join("")).toContain("event: delta"), { timeout: 20_000 });
    // The stream says it is open before the first token, and is then counted as open.
    expect(written[0]).toBe(": open\n\n");
    expect(openBattles().has(started.battleId)).toBe(true);
    const countedBefore = await shutdownVoids();

    expect(await voidOpenBattles()).toBe(1);
    await streaming;
    expect(closed).toBe(true);
    expect(written.join("")).toMatch(/event: void\ndata: \{"cause":"shutdown"/);
    expect(await battleRow(started.battleId)).toMatchObject({ state: "VOIDED", voidCause: "shutdown" });
    expect((await battleRow(notStreamed.battleId)).state).toBe("GENERATING");
    expect(await shutdownVoids()).toBe(countedBefore + 1);
    // The stream has ended: nothing is open any more.
    expect(openBattles().has(started.battleId)).toBe(false);
    expect(await voidOpenBattles()).toBe(0);
    expect(await shutdownVoids()).toBe(countedBefore + 1);
  });
});
