import { describe, expect, it, vi } from "vitest";
import { db, pool, sql } from "@/lib/db";
import { createTestUser } from "@/lib/testing/factories";
import { collect, liveTestServer } from "@/lib/testing/live-campaigns";
import { choosePair, liveCampaign as readLiveCampaign } from "@/lib/live/campaign-rules";
import { askFollowUp } from "@/lib/live/follow-up";
import { startBattle } from "@/lib/live/start";
import { testConnection } from "@/lib/live/endpoints";

const server = liveTestServer();
const liveCampaign = server.liveCampaign;

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

  it("reads the campaign again once its last read is two seconds old, and shares a read among annotators", async () => {
    const { campaignId, annotator } = await liveCampaign([{ name: "a" }, { name: "b" }]);
    const other = await createTestUser();
    await db.campaignMember.create({ data: { campaignId, userId: other.id } });
    expect((await statementsDuring(() => startBattle(annotator.id, campaignId, "first"))).statements.some(readsCampaign)).toBe(true);
    // Another annotator's prompt a moment later is decided on the same read.
    const shared = await statementsDuring(() => startBattle(other.id, campaignId, "mine"));
    expect(shared.result.ok).toBe(true);
    expect(shared.statements.some(readsCampaign)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const later = await statementsDuring(() => startBattle(annotator.id, campaignId, "later"));
    expect(later.result.ok).toBe(true);
    expect(later.statements.some(readsCampaign)).toBe(true);
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
    // One vote apart, with the draws favouring the other pairs: the random tie-break (under half a
    // vote) never outweighs a vote.
    const oneApart: typeof pairTallies = [
      { lowModelId: a, highModelId: b, votes: 2, winsLow: 1, winsHigh: 1 },
      { lowModelId: a, highModelId: c, votes: 1, winsLow: 1, winsHigh: 0 },
      { lowModelId: b, highModelId: c, votes: 2, winsLow: 1, winsHigh: 1 },
    ];
    const draws = [0.99, 0, 0.99, 0.3];
    const pair = choosePair(enabled, oneApart, "BALANCED", () => draws.shift() ?? 0.5);
    expect(pair!.map((e) => e.modelId)).toEqual([a, c]);
  });

  it("uniform: any pair alike, whatever its votes", async () => {
    const { campaignId, annotator } = await liveCampaign([{ name: "u1" }, { name: "u2" }, { name: "u3" }]);
    const endpoints = await db.modelEndpoint.findMany({ where: { campaignId }, orderBy: { modelId: "asc" } });
    const [a, b, c] = endpoints.map((e) => e.modelId);
    await db.pairStat.create({ data: { campaignId, lowModelId: a, highModelId: b, votes: 50, winsLow: 25, winsHigh: 25 } });
    const { endpoints: enabled, pairTallies } = (await readLiveCampaign(sql, annotator.id, campaignId))!;
    // The keys are the draws themselves: the largest draw picks its pair, even the one with 50 votes.
    const draws = (keys: number[]) => {
      let n = 0;
      return () => (n < keys.length ? keys[n++] : 0.9);
    };
    expect(
      choosePair(enabled, pairTallies, "UNIFORM", draws([0.9, 0.1, 0.2]))!
        .map((e) => e.modelId)
        .sort(),
    ).toEqual([a, b]);
    expect(
      choosePair(enabled, pairTallies, "UNIFORM", draws([0.1, 0.2, 0.9]))!
        .map((e) => e.modelId)
        .sort(),
    ).toEqual([b, c]);
    // Balanced with the same draws never picks the pair with votes.
    expect(
      choosePair(enabled, pairTallies, "BALANCED", draws([0.9, 0.1, 0.2]))!
        .map((e) => e.modelId)
        .sort(),
    ).not.toEqual([a, b]);
  });
});
