import { beforeAll, describe, expect, it, vi } from "vitest";
import { IDLE } from "@/lib/action-state";
import { createCampaign } from "@/lib/campaigns/manage";
import { campaignSettingsSchema } from "@/lib/campaigns/settings";
import { db } from "@/lib/db";
import { createTestUser, uniqueSuffix } from "@/lib/testing/factories";
import { liveTestServer } from "@/lib/testing/live-campaigns";
import { actAs, FORBIDDEN, form, interruption, SIGN_IN_REDIRECT, takeRevalidated } from "@/lib/testing/next-request";
import { addModelAction, setModelEnabledAction, testModelAction } from "./actions";

vi.mock("next/headers", async () => (await import("@/lib/testing/next-request")).nextHeaders);
vi.mock("next/cache", async () => (await import("@/lib/testing/next-request")).nextCache);

/** The campaign page's model forms, as the browser posts them, against the test's model server. */
const server = liveTestServer();

async function joinedCampaign(researcherId: string) {
  const { campaignId } = await server.liveCampaign([]);
  await db.campaignMember.create({ data: { campaignId, userId: researcherId } });
  const { slug } = await db.campaign.findUniqueOrThrow({ where: { id: campaignId } });
  return { campaignId, slug };
}

describe("a live campaign's model forms", () => {
  let researcher: { id: string };
  let campaign: { campaignId: string; slug: string };
  const addForm = (fields: Record<string, string>) =>
    form({ campaignId: campaign.campaignId, slug: campaign.slug, kind: "PUSHED", baseUrl: server.fake.baseUrl, ...fields });
  beforeAll(async () => {
    researcher = await createTestUser({ role: "RESEARCHER" });
    campaign = await joinedCampaign(researcher.id);
  });

  it("add a pushed model with the form's fields read as typed: trimmed, empty ones absent, numbers and parameters parsed", async () => {
    await actAs(researcher);
    const name = `pushed-${uniqueSuffix()}`;
    const added = await addModelAction(
      IDLE,
      addForm({
        name: `  ${name} `,
        baseUrl: ` ${server.fake.baseUrl}/ `,
        apiModel: " served-name ",
        apiKey: " sk-form ",
        systemPrompt: "Answer briefly.",
        params: ' {"temperature": 0.2} ',
        concurrency: " 7 ",
        timeoutSeconds: "",
      }),
    );
    expect(added).toEqual({ status: "ok", model: name, workerToken: null });
    const stored = await db.modelEndpoint.findFirstOrThrow({ where: { campaignId: campaign.campaignId, model: { name } } });
    expect(stored).toMatchObject({
      kind: "PUSHED",
      baseUrl: server.fake.baseUrl,
      apiModel: "served-name",
      systemPrompt: "Answer briefly.",
      params: { temperature: 0.2 },
      concurrency: 7,
      timeoutSeconds: 120,
    });
    expect(stored.apiKeyCipher).not.toBeNull();
    expect(takeRevalidated()).toEqual([`/campaigns/${campaign.slug}`]);

    const tested = await testModelAction({ campaignId: campaign.campaignId, endpointId: stored.id });
    expect(tested.ok).toBe(true);
    // The key typed into the form, trimmed, is what the model server is sent.
    expect(server.fake.requests.at(-1)?.authorization).toBe("Bearer sk-form");
  });

  it("add a pulled model, ignoring the pushed fields the form still carried, with its worker token", async () => {
    await actAs(researcher);
    const name = `pulled-${uniqueSuffix()}`;
    const added = await addModelAction(
      IDLE,
      addForm({ name, kind: "PULLED", baseUrl: "left over", apiModel: "served-name", apiKey: "sk-x" }),
    );
    if (added.status !== "ok") throw new Error(JSON.stringify(added));
    expect(added.workerToken).toMatch(/^hkw_/);
    const stored = await db.modelEndpoint.findFirstOrThrow({ where: { campaignId: campaign.campaignId, model: { name } } });
    expect(stored).toMatchObject({ kind: "PULLED", baseUrl: null, apiModel: null, apiKeyCipher: null, params: {}, systemPrompt: "" });
    takeRevalidated();
  });

  it("name the fields to look at again, once each, and the domain's refusals by code", async () => {
    await actAs(researcher);
    const invalid = (fields: Record<string, string>) => addModelAction(IDLE, addForm({ name: `m-${uniqueSuffix()}`, ...fields }));
    expect(await invalid({ params: "{not json" })).toEqual({ status: "invalid", fields: ["params"] });
    expect(await invalid({ params: '{"stream": false}' })).toEqual({ status: "invalid", fields: ["params"] });
    expect(await invalid({ concurrency: "many", timeoutSeconds: "0" })).toEqual({
      status: "invalid",
      fields: ["concurrency", "timeoutSeconds"],
    });
    // Too long and not a URL: two problems, one field.
    expect(await invalid({ baseUrl: "x".repeat(2001) })).toEqual({ status: "invalid", fields: ["baseUrl"] });
    expect(await invalid({ name: "   " })).toEqual({ status: "invalid", fields: ["name"] });
    expect(await invalid({ baseUrl: "" })).toEqual({ status: "invalid", fields: ["baseUrl"] });
    expect(await invalid({ kind: "BOTH" })).toEqual({ status: "invalid", fields: ["kind"] });
    expect(await invalid({ baseUrl: "http://10.1.2.3:8000/v1" })).toEqual({
      status: "error",
      code: "URL_REFUSED",
      details: { host: "10.1.2.3", kind: "private" },
    });
    const name = `twice-${uniqueSuffix()}`;
    expect(await addModelAction(IDLE, addForm({ name, kind: "PULLED" }))).toMatchObject({ status: "ok" });
    expect(await addModelAction(IDLE, addForm({ name, kind: "PULLED" }))).toEqual({ status: "error", code: "DUPLICATE" });
    takeRevalidated();

    const slug = `plain-${uniqueSuffix()}`;
    const plain = await createCampaign(researcher.id, slug, campaignSettingsSchema.parse({ name: slug }));
    if (!plain.ok) throw new Error("campaign not created");
    expect(await addModelAction(IDLE, form({ campaignId: plain.id, slug, name: "m", kind: "PULLED" }))).toEqual({
      status: "error",
      code: "NOT_LIVE",
    });
    expect(takeRevalidated()).toEqual([]);
  });

  it("switch a model off and on again", async () => {
    await actAs(researcher);
    const name = `switched-${uniqueSuffix()}`;
    await addModelAction(IDLE, addForm({ name, kind: "PULLED" }));
    const endpoint = await db.modelEndpoint.findFirstOrThrow({ where: { campaignId: campaign.campaignId, model: { name } } });
    takeRevalidated();
    const toggle = (enabled: string) =>
      setModelEnabledAction(form({ campaignId: campaign.campaignId, slug: campaign.slug, endpointId: endpoint.id, enabled }));
    await toggle("false");
    expect((await db.modelEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).enabled).toBe(false);
    expect(takeRevalidated()).toEqual([`/campaigns/${campaign.slug}`]);
    await toggle("maybe");
    expect(takeRevalidated()).toEqual([]);
    await toggle("true");
    expect((await db.modelEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).enabled).toBe(true);
  });

  it("refuse the signed-out, annotators, and researchers of other campaigns, who learn nothing of the campaign", async () => {
    const name = `guarded-${uniqueSuffix()}`;
    await actAs(researcher);
    await addModelAction(IDLE, addForm({ name, kind: "PULLED" }));
    const endpoint = await db.modelEndpoint.findFirstOrThrow({ where: { campaignId: campaign.campaignId, model: { name } } });
    takeRevalidated();
    const target = { campaignId: campaign.campaignId, endpointId: endpoint.id };
    const off = form({ ...target, slug: campaign.slug, enabled: "false" });

    await actAs(null);
    expect(await interruption(addModelAction(IDLE, addForm({ name: "x", kind: "PULLED" })))).toMatch(SIGN_IN_REDIRECT);
    await actAs(await createTestUser());
    expect(await interruption(addModelAction(IDLE, addForm({ name: "x", kind: "PULLED" })))).toBe(FORBIDDEN);
    expect(await interruption(testModelAction(target))).toBe(FORBIDDEN);
    expect(await interruption(setModelEnabledAction(off))).toBe(FORBIDDEN);

    await actAs(await createTestUser({ role: "RESEARCHER" }));
    expect(await addModelAction(IDLE, addForm({ name: "x", kind: "PULLED" }))).toEqual({ status: "error", code: "NOT_FOUND" });
    expect(await testModelAction(target)).toEqual({ ok: false, code: "NOT_FOUND", error: "no such model in this campaign" });
    await setModelEnabledAction(off);
    expect((await db.modelEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).enabled).toBe(true);
    expect(await db.modelEndpoint.count({ where: { campaignId: campaign.campaignId, model: { name: "x" } } })).toBe(0);
    expect(takeRevalidated()).toEqual([]);

    await actAs(researcher);
    expect(await testModelAction({ ...target, endpointId: "nope" })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await addModelAction(IDLE, addForm({ name: "x", kind: "PULLED", slug: "Not A Slug" }))).toEqual({
      status: "error",
      code: "NOT_FOUND",
    });
  });
});
