import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { startModerationService } from "@/lib/testing/moderation-service";
import { collect, liveTestServer } from "@/lib/testing/live-campaigns";
import { askFollowUp } from "@/lib/live/follow-up";
import { startBattle } from "@/lib/live/start";

/**
 * Live prompts with the operator's moderation service set (HIKAKU_MODERATION_URL, read once per
 * test file, so set before the first test): what it is asked, and what it is never asked. The
 * service is the test's own over real HTTP; it refuses a prompt that says "bad".
 */
const server = liveTestServer();
let moderation: http.Server;
let conversations: string[][] = [];

beforeAll(async () => {
  ({ server: moderation, conversations } = await startModerationService((prompt, response) =>
    response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ allowed: !prompt.includes("bad") })),
  ));
});

afterAll(() => {
  moderation.close();
});

describe("live prompts and the moderation service", () => {
  it("a prompt it refuses starts no battle and reaches no model; a follow-up is judged with the conversation before it", async () => {
    const { campaignId, annotator } = await server.liveCampaign([{ name: "m" }, { name: "n" }]);
    const modelCalls = server.fake.requests.length;
    expect(await startBattle(annotator.id, campaignId, "a bad question")).toEqual({ ok: false, code: "MODERATED" });
    expect(conversations.at(-1)).toEqual(["a bad question"]);
    expect(await db.liveBattle.count({ where: { campaignId } })).toBe(0);
    expect(server.fake.requests.length).toBe(modelCalls);

    const started = await startBattle(annotator.id, campaignId, "a fine question");
    if (!started.ok) throw new Error(started.code);
    const ready = (await collect(annotator.id, started.battleId)).at(-1);
    if (ready?.type !== "ready") throw new Error("not ready");
    expect((await askFollowUp(annotator.id, ready.assignment.id, "and a fine follow-up")).ok).toBe(true);
    expect(conversations.at(-1)).toEqual(["a fine question", "and a fine follow-up"]);
  });

  it("a disabled account's prompt is refused before it is sent to the service", async () => {
    const { campaignId, annotator } = await server.liveCampaign([{ name: "o" }, { name: "p" }]);
    await db.user.update({ where: { id: annotator.id }, data: { disabled: true } });
    const asked = conversations.length;
    expect(await startBattle(annotator.id, campaignId, "a question from a closed account")).toEqual({ ok: false, code: "UNAUTHENTICATED" });
    expect(conversations.length).toBe(asked);
    // The same account enabled again: its prompt goes to the service, and the battle starts.
    await db.user.update({ where: { id: annotator.id }, data: { disabled: false } });
    expect((await startBattle(annotator.id, campaignId, "a question from an open account")).ok).toBe(true);
    expect(conversations.length).toBe(asked + 1);
  });
});
