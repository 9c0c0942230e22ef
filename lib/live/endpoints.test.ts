import { describe, expect, it } from "vitest";
import { createCampaign } from "@/lib/campaigns/manage";
import { campaignSettingsSchema } from "@/lib/campaigns/settings";
import { db } from "@/lib/db";
import { createTestUser, uniqueSuffix } from "@/lib/testing/factories";
import { collect, liveTestServer } from "@/lib/testing/live-campaigns";
import { recordVote } from "@/lib/votes/record-vote";
import { addEndpoint, endpointInputSchema, listEndpoints, liveBattleSummary, setEndpointEnabled, testConnection } from "./endpoints";
import { startBattle } from "./start";

/**
 * A live campaign's models as its researchers manage them (the campaign page and `model add`):
 * what a model's form accepts, what adding one stores and records, what the list shows, switching
 * one off, "Test connection" and the battles' summary. Found by lib/live's mutation run: most of
 * this was reached only through the browser tests, where Stryker cannot see it.
 */
const server = liveTestServer();

async function endpointsOf(campaignId: string) {
  return db.modelEndpoint.findMany({ where: { campaignId }, include: { model: true }, orderBy: { createdAt: "asc" } });
}

describe("a model's form", () => {
  it("drops a base URL's trailing slashes, keeps the request's own fields to Hikaku and needs a URL for a pushed model", () => {
    expect(endpointInputSchema.parse({ name: "m", kind: "PUSHED", baseUrl: "http://127.0.0.1:8000/v1//" }).baseUrl).toBe(
      "http://127.0.0.1:8000/v1",
    );
    for (const key of ["model", "messages", "stream"]) {
      const parsed = endpointInputSchema.safeParse({ name: "m", kind: "PUSHED", baseUrl: "http://127.0.0.1/v1", params: { [key]: 1 } });
      expect(parsed.error?.issues.map((issue) => issue.path.join("."))).toEqual(["params"]);
    }
    expect(endpointInputSchema.safeParse({ name: "m", kind: "PUSHED", params: { temperature: 0 } }).error?.issues).toMatchObject([
      { path: ["baseUrl"], message: "a pushed model needs its base URL" },
    ]);
    expect(endpointInputSchema.safeParse({ name: "m", kind: "PULLED" }).success).toBe(true);
  });
});

describe("adding a model", () => {
  it("refuses an unknown campaign, one that is not live, and a model the campaign already has", async () => {
    const input = endpointInputSchema.parse({ name: `solo-${uniqueSuffix()}`, kind: "PULLED" });
    expect(await addEndpoint(null, "00000000-0000-4000-8000-000000000000", input)).toEqual({ ok: false, code: "NOT_FOUND" });
    const slug = `plain-${uniqueSuffix()}`;
    const plain = await createCampaign(null, slug, campaignSettingsSchema.parse({ name: slug }));
    if (!plain.ok) throw new Error("campaign not created");
    expect(await addEndpoint(null, plain.id, input)).toEqual({ ok: false, code: "NOT_LIVE" });
    const { campaignId } = await server.liveCampaign([]);
    expect((await addEndpoint(null, campaignId, input)).ok).toBe(true);
    expect(await addEndpoint(null, campaignId, input)).toEqual({ ok: false, code: "DUPLICATE" });
    expect(await db.modelEndpoint.count({ where: { campaignId } })).toBe(1);
  });

  it("gives a pulled model a worker token shown once, keeps its hash and prefix, and records the model without secrets", async () => {
    const { campaignId } = await server.liveCampaign([]);
    const wordsBefore = (await db.campaign.findUniqueOrThrow({ where: { id: campaignId } })).identityWords;
    const name = `pulled-${uniqueSuffix()}`;
    const added = await addEndpoint(null, campaignId, endpointInputSchema.parse({ name, kind: "PULLED" }));
    if (!added.ok) throw new Error(added.code);
    expect(added.workerToken).toMatch(/^hkw_[A-Za-z0-9_-]{43}$/);
    const [stored] = await endpointsOf(campaignId);
    expect(stored).toMatchObject({ kind: "PULLED", baseUrl: null, apiModel: null, apiKeyCipher: null });
    expect(stored.workerTokenPrefix).toBe(added.workerToken!.slice(0, 10));
    expect(stored.workerTokenHash).not.toContain(added.workerToken!.slice(4));
    // Its name joins the identity words, and nothing else does.
    expect((await db.campaign.findUniqueOrThrow({ where: { id: campaignId } })).identityWords).toEqual([...wordsBefore, name]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "campaign.model_added", subjectId: campaignId } });
    expect(audit.data).toEqual({ model: name, kind: "PULLED", baseUrl: null, apiKey: false });
  });
});

describe("the campaign's list of models", () => {
  it("says whether a model has an API key, never shows credentials in its URL, and switches a model off only in its own campaign", async () => {
    const { campaignId } = await server.liveCampaign([{ name: "keyed" }, { name: "open", apiKey: undefined }]);
    const other = await server.liveCampaign([{ name: "elsewhere" }]);
    const [keyed, open] = await endpointsOf(campaignId);
    const researcher = await createTestUser();
    await db.modelEndpoint.update({ where: { id: open.id }, data: { baseUrl: "http://user:hunter2@127.0.0.1:9/v1" } });
    const listed = await listEndpoints(campaignId);
    expect(listed.map((e) => [e.model, e.hasApiKey])).toEqual([
      [keyed.model.name, true],
      [open.model.name, false],
    ]);
    expect(JSON.stringify(listed)).not.toContain("hunter2");

    expect(await setEndpointEnabled(researcher.id, other.campaignId, keyed.id, false)).toBe(false);
    expect((await db.modelEndpoint.findUniqueOrThrow({ where: { id: keyed.id } })).enabled).toBe(true);
    expect(await setEndpointEnabled(researcher.id, campaignId, keyed.id, false)).toBe(true);
    expect((await listEndpoints(campaignId)).map((e) => e.enabled)).toEqual([false, true]);
    expect(await setEndpointEnabled(researcher.id, campaignId, keyed.id, true)).toBe(true);
    const audits = await db.auditEvent.findMany({
      where: { subjectId: campaignId, action: { startsWith: "campaign.model_" } },
      orderBy: { id: "asc" },
    });
    expect(audits.map((a) => [a.action, a.data])).toEqual([
      ["campaign.model_added", expect.anything()],
      ["campaign.model_added", expect.anything()],
      ["campaign.model_disabled", { endpointId: keyed.id }],
      ["campaign.model_enabled", { endpointId: keyed.id }],
    ]);
  });
});

describe("Test connection", () => {
  it("sends the system prompt only when it has text, and times the first token apart from the end", async () => {
    const { campaignId } = await server.liveCampaign([
      { name: "plain", systemPrompt: "  " },
      { name: "briefed", systemPrompt: "Answer in Japanese." },
    ]);
    const [plain, briefed] = await endpointsOf(campaignId);
    const sent = server.fake.requests.length;
    const result = await testConnection(campaignId, plain.id);
    if (!result.ok) throw new Error(result.error);
    // The fake model streams its tokens 2 ms apart: the first arrives before the last.
    expect(result.firstTokenMs).toBeLessThan(result.totalMs);
    expect(result.totalMs).toBeLessThan(30_000);
    expect((await testConnection(campaignId, briefed.id)).ok).toBe(true);
    const [plainCall, briefedCall] = server.fake.requests.slice(sent);
    expect(plainCall.messages.map((m) => m.role)).toEqual(["user"]);
    expect(briefedCall.messages).toEqual([
      { role: "system", content: "Answer in Japanese." },
      { role: "user", content: "Reply with one short sentence." },
    ]);
  });

  it("gives up at the model's own timeout when that is shorter than the test's 30 s", async () => {
    const { campaignId } = await server.liveCampaign([{ name: "slow", timeoutSeconds: 1 }]);
    const [slow] = await endpointsOf(campaignId);
    const started = performance.now();
    expect(await testConnection(campaignId, slow.id)).toMatchObject({ ok: false });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("is refused for a model of another campaign and for a pulled model", async () => {
    const { campaignId } = await server.liveCampaign([{ name: "here" }, { name: "worker", kind: "PULLED" }]);
    const other = await server.liveCampaign([{ name: "there" }]);
    const [here, worker] = await endpointsOf(campaignId);
    expect(await testConnection(other.campaignId, here.id)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await testConnection(campaignId, worker.id)).toEqual({
      ok: false,
      error: "a pulled model is reached by its workers, not by the server",
      lastSeenAt: null,
    });
  });
});

describe("the battles' summary", () => {
  it("counts battles by how they stand and lists the void ones with their causes", async () => {
    const { campaignId, annotator } = await server.liveCampaign([{ name: "s" }, { name: "t" }]);
    for (const prompt of ["first", "second"]) {
      const voted = await startBattle(annotator.id, campaignId, prompt);
      if (!voted.ok) throw new Error(voted.code);
      const ready = (await collect(annotator.id, voted.battleId)).at(-1);
      if (ready?.type !== "ready") throw new Error("not ready");
      expect((await recordVote(annotator.id, { assignmentId: ready.assignment.id, outcome: "TIE", durationMs: 1000 })).ok).toBe(true);
    }
    // A prompt left unanswered is void once the next one is sent.
    expect((await startBattle(annotator.id, campaignId, "third")).ok).toBe(true);
    expect((await startBattle(annotator.id, campaignId, "fourth")).ok).toBe(true);
    const summary = await liveBattleSummary(campaignId);
    expect(summary).toMatchObject({ generating: 1, ready: 0, voided: 1, voted: 2, causes: [{ cause: "cancelled", count: 1 }] });
    expect(summary.recentFailures).toMatchObject([{ cause: "cancelled" }]);
  });
});
