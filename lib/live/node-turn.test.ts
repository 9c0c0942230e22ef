import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCampaign } from "@/lib/campaigns/manage";
import { campaignSettingsSchema, liveSettingsSchema } from "@/lib/campaigns/settings";
import { db } from "@/lib/db";
import { createTestUser, uniqueSuffix } from "@/lib/testing/factories";
import { startFakeOpenAi, type FakeOpenAi } from "@/lib/testing/fake-openai";
import { ownEndpointsOnly } from "@/lib/own-endpoints";
import { serveNodeHandler, sessionCookie } from "@/lib/testing/node-handler";
import { addEndpoint, endpointInputSchema } from "./endpoints";
import { closeLiveHub } from "./notify";
import { readServerEvents } from "./sse";

/** Live prompts as the production server answers them itself (lib/own-endpoints.ts), over real HTTP. */
const SECRET = "node-turn-test-secret-0123456789abcdef";
let server: Awaited<ReturnType<typeof serveNodeHandler>>;
let base: string;
let fake: FakeOpenAi;

beforeAll(async () => {
  fake = await startFakeOpenAi({ tokenDelayMs: 1 });
  server = await serveNodeHandler(ownEndpointsOnly(SECRET));
  base = server.base;
});

afterAll(async () => {
  await server.close();
  await fake.close();
  await closeLiveHub();
});

const cookieFor = (userId: string) => sessionCookie(userId, SECRET);

function post(body: string, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/v1/live/battles`, { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } });
}

async function liveCampaignWithAnnotator(prefix = "") {
  const slug = `node-turn-${uniqueSuffix()}`;
  const created = await createCampaign(null, slug, campaignSettingsSchema.parse({ name: slug }), liveSettingsSchema.parse({ live: true }));
  if (!created.ok) throw new Error("campaign not created");
  for (const name of ["left", "right"]) {
    const added = await addEndpoint(
      null,
      created.id,
      endpointInputSchema.parse({ kind: "PUSHED", baseUrl: fake.baseUrl, name: `${prefix}${name}-${uniqueSuffix()}` }),
    );
    if (!added.ok) throw new Error(added.code);
  }
  await db.campaign.update({ where: { id: created.id }, data: { status: "ACTIVE" } });
  const annotator = await createTestUser();
  await db.campaignMember.create({ data: { campaignId: created.id, userId: annotator.id } });
  return { campaignId: created.id, annotator };
}

describe("live prompts answered by the app server itself", () => {
  it("streams a battle to its annotator, with the headers every response gets", async () => {
    const { campaignId, annotator } = await liveCampaignWithAnnotator();
    // A charset after the media type is still JSON.
    const response = await post(JSON.stringify({ campaignId, prompt: "hello there" }), {
      Cookie: await cookieFor(annotator.id),
      "Content-Type": "application/json; charset=utf-8",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toContain("no-transform");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    const types: string[] = [];
    for await (const event of readServerEvents(response.body!)) types.push(event.type);
    expect(types).toContain("delta");
    expect(types.at(-1)).toBe("ready");
    expect(await db.liveBattle.count({ where: { campaignId, annotatorId: annotator.id, state: "READY" } })).toBe(1);
  });

  it("a page that goes away stops both generations and voids the battle", async () => {
    const { campaignId, annotator } = await liveCampaignWithAnnotator("slow-");
    const page = new AbortController();
    const response = await fetch(`${base}/api/v1/live/battles`, {
      method: "POST",
      body: JSON.stringify({ campaignId, prompt: "take your time" }),
      headers: { "Content-Type": "application/json", Cookie: await cookieFor(annotator.id) },
      signal: page.signal,
    });
    const sides = new Set<string>();
    try {
      for await (const event of readServerEvents(response.body!)) {
        if (event.type === "delta") sides.add((JSON.parse(event.data) as { side: string }).side);
        if (sides.size === 2) page.abort();
      }
    } catch {
      // The read ends with the abort.
    }
    await expect
      .poll(() => db.liveBattle.findFirst({ where: { campaignId }, select: { state: true, voidCause: true } }))
      .toEqual({
        state: "VOIDED",
        voidCause: "cancelled",
      });
    await expect
      .poll(() => fake.requests.filter((r) => r.messages.at(-1)?.content === "take your time").every((r) => r.aborted))
      .toBe(true);
  });

  it("refuses as the route does: no session, a forged one, a disabled account, other bodies, a stranger", async () => {
    const { campaignId, annotator } = await liveCampaignWithAnnotator();
    const body = JSON.stringify({ campaignId, prompt: "hi" });
    const refusal = async (response: Response) => ({ status: response.status, body: await response.json() });
    expect(await refusal(await post(body))).toEqual({ status: 401, body: { error: "sign in first", code: "UNAUTHENTICATED" } });
    const forged = await sessionCookie(annotator.id, "another-secret-another-secret-000", 60);
    expect((await post(body, { Cookie: forged })).status).toBe(401);
    // A session whose subject is not a user id this app issues is nobody's.
    expect((await post(body, { Cookie: await cookieFor("admin") })).status).toBe(401);
    const cookie = await cookieFor(annotator.id);
    expect(await refusal(await post(body, { Cookie: cookie, "Content-Type": "text/plain" }))).toEqual({
      status: 415,
      body: { error: "send the prompt as application/json", code: "INVALID" },
    });
    expect(await refusal(await post("{not json", { Cookie: cookie }))).toMatchObject({ status: 400, body: { code: "INVALID" } });
    expect(await refusal(await post(JSON.stringify({ prompt: "hi" }), { Cookie: cookie }))).toEqual({
      status: 400,
      body: { error: "expected {campaignId, prompt} or {assignmentId, prompt}", code: "INVALID" },
    });
    expect(await refusal(await post(JSON.stringify({ campaignId, prompt: "x".repeat(2_000_000) }), { Cookie: cookie }))).toMatchObject({
      status: 413,
      body: { code: "TOO_LARGE" },
    });
    const stranger = await createTestUser();
    expect(await refusal(await post(body, { Cookie: await cookieFor(stranger.id) }))).toEqual({
      status: 404,
      body: { error: "the prompt was not sent", code: "NOT_FOUND" },
    });
    await db.user.update({ where: { id: annotator.id }, data: { disabled: true } });
    expect(await refusal(await post(body, { Cookie: cookie }))).toMatchObject({ status: 401, body: { code: "UNAUTHENTICATED" } });
    expect(await db.liveBattle.count({ where: { campaignId } })).toBe(0);
  });
});
