import { describe, expect, it } from "vitest";
import { openBattles } from "@/lib/lifecycle";
import { fakeAnswerTokens } from "@/lib/testing/fake-openai";
import { battleRow, liveTestServer } from "@/lib/testing/live-campaigns";
import { within } from "@/lib/testing/within";
import { battleEventResponse } from "./event-response";
import { startBattle } from "./start";

/**
 * The event stream as the route handlers answer it (`next dev`, and any deployment without the
 * app's own server): a web Response whose body is the battle's turn as server-sent events. The
 * app's own server writes the same events through lib/live/node-turn.ts.
 */
const server = liveTestServer();

/** The server-sent events in `text`, in order, as [name, data]. */
function events(text: string): [string, unknown][] {
  return [...text.matchAll(/^event: (\w+)\ndata: (.*)\n\n/gm)].map((match) => [match[1], JSON.parse(match[2])]);
}

async function started(models: { name: string }[], prompt: string) {
  const { campaignId, annotator } = await server.liveCampaign(models);
  const battle = await startBattle(annotator.id, campaignId, prompt);
  if (!battle.ok) throw new Error(battle.code);
  return { annotatorId: annotator.id, battleId: battle.battleId };
}

describe("a battle's events as a web response", () => {
  it("opens at once, streams both answers and ends with the turn, with headers that keep proxies from holding it back", async () => {
    const { annotatorId, battleId } = await started([{ name: "a" }, { name: "b" }], "what is rain");
    const response = battleEventResponse(new Request("http://hikaku.test/events"), annotatorId, battleId);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache, no-store, no-transform");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    const text = await within(response.text(), "the end of the stream");
    expect(text.startsWith(": open\n\n")).toBe(true);
    const received = events(text);
    expect(received.at(-1)).toEqual(["ready", expect.anything()]);
    const answer = fakeAnswerTokens([{ role: "user", content: "what is rain" }]).join("");
    for (const side of ["left", "right"]) {
      const written = received
        .filter(([name, data]) => name === "delta" && (data as { side: string }).side === side)
        .map(([, data]) => (data as { text: string }).text)
        .join("");
      expect(written).toBe(answer);
    }
    expect(openBattles().has(battleId)).toBe(false);
  });

  it("stops both generations and voids the battle when the request goes away, and ends its body", async () => {
    const { annotatorId, battleId } = await started([{ name: "slow" }, { name: "slow-too" }], "take your time");
    const request = new AbortController();
    const response = battleEventResponse(new Request("http://hikaku.test/events", { signal: request.signal }), annotatorId, battleId);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe(": open\n\n");
    // While it streams, a shutting-down instance would void it.
    expect(openBattles().has(battleId)).toBe(true);
    request.abort();
    const rest = async () => {
      for (;;) if ((await reader.read()).done) return;
    };
    await expect.poll(async () => (await battleRow(battleId)).voidCause).toBe("cancelled");
    await within(rest(), "the body's end after the request went away");
    expect(openBattles().has(battleId)).toBe(false);
  });

  it("voids the battle when the reader cancels the body", async () => {
    const { annotatorId, battleId } = await started([{ name: "slow" }, { name: "slow-too" }], "no hurry");
    const response = battleEventResponse(new Request("http://hikaku.test/events"), annotatorId, battleId);
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await expect.poll(async () => (await battleRow(battleId)).voidCause).toBe("cancelled");
  });
});
