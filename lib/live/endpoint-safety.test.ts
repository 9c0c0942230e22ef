import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCampaign } from "@/lib/campaigns/manage";
import { campaignSettingsSchema, liveSettingsSchema } from "@/lib/campaigns/settings";
import { db } from "@/lib/db";
import { OutboundRefused, outboundFetch } from "@/lib/net/outbound";
import { uniqueSuffix } from "@/lib/testing/factories";
import { addEndpoint, endpointInputSchema, listEndpoints, testConnection } from "./endpoints";

/**
 * Model endpoints are URLs researchers type, called by the server: the review's SSRF (a base URL
 * `http://127.0.0.1:PORT/containers/create?name=x#` made the server POST to a local service and
 * showed its reply on the campaign page). An "internal service" here records what reaches it and
 * answers with a secret that must never come back. The tests allow 127.0.0.1 only
 * (vitest.setup.ts), as an operator would allow a GPU box; every other internal address is refused.
 */
const SECRET = "internal-secret-4f1c";

interface InternalService {
  url: string;
  port: number;
  requests: string[];
  server: Server;
}

async function internalService(
  host: string,
  reply: (path: string) => { status: number; type: string; body: string },
): Promise<InternalService> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    const { status, type, body } = reply(request.url ?? "");
    response.writeHead(status, { "Content-Type": type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, port, requests, server };
}

let loopbackTwo: InternalService;
let allowedButHostile: InternalService;

beforeAll(async () => {
  // 127.0.0.2 is loopback like 127.0.0.1, but not the address the tests allow.
  loopbackTwo = await internalService("127.0.0.2", () => ({
    status: 200,
    type: "application/json",
    body: JSON.stringify({ secret: SECRET }),
  }));
  allowedButHostile = await internalService("127.0.0.1", (path) =>
    path.includes("/error/")
      ? { status: 500, type: "application/json", body: JSON.stringify({ error: { message: SECRET } }) }
      : path.includes("/streamed-error/")
        ? { status: 200, type: "text/event-stream", body: `data: ${JSON.stringify({ error: { message: SECRET } })}\n\n` }
        : path.includes("/garbage/")
          ? { status: 200, type: "text/event-stream", body: `data: ${SECRET} is not JSON\n\n` }
          : { status: 200, type: "application/json", body: JSON.stringify({ detail: SECRET }) },
  );
});

afterAll(async () => {
  for (const service of [loopbackTwo, allowedButHostile]) await new Promise((resolve) => service.server.close(resolve));
});

async function liveCampaignId(): Promise<string> {
  const slug = `ssrf-${uniqueSuffix()}`;
  const created = await createCampaign(null, slug, campaignSettingsSchema.parse({ name: slug }), liveSettingsSchema.parse({ live: true }));
  if (!created.ok) throw new Error("campaign not created");
  return created.id;
}

/** A stored endpoint, written as an older version (or a changed DNS record) would have left it: not checked when added. */
async function storedEndpoint(campaignId: string, baseUrl: string): Promise<string> {
  const model = await db.model.create({ data: { name: `stored-${uniqueSuffix()}` } });
  const endpoint = await db.modelEndpoint.create({
    data: { campaignId, modelId: model.id, kind: "PUSHED", baseUrl, params: { name: "x" } },
  });
  return endpoint.id;
}

describe("a model's base URL", () => {
  it("with a query or fragment is refused before anything is stored (a trailing # hid the path the server appends)", () => {
    for (const baseUrl of [
      `${loopbackTwo.url}/containers/create?name=x#`,
      "https://api.example.com/v1#",
      "https://api.example.com/v1?x=1",
    ]) {
      const parsed = endpointInputSchema.safeParse({ name: "m", kind: "PUSHED", baseUrl });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]).toMatchObject({ path: ["baseUrl"], message: expect.stringMatching(/\? or #/) });
    }
    const withCredentials = endpointInputSchema.safeParse({ name: "m", kind: "PUSHED", baseUrl: "https://me:pw@api.example.com/v1" });
    expect(withCredentials.error?.issues[0].message).toMatch(/user name or password/);
  });

  it.each([
    ["a cloud metadata address", "http://169.254.169.254/latest/v1", "link-local (cloud metadata)"],
    ["IPv6 loopback", "http://[::1]:8000/v1", "loopback"],
    ["loopback written as a hexadecimal number", "http://0x7f000002:8000/v1", "loopback"],
    ["a private address", "http://10.0.0.7:8000/v1", "private"],
    ["an IPv4-mapped IPv6 address", "http://[::ffff:169.254.169.254]/v1", "link-local (cloud metadata)"],
  ])("on %s is refused when the model is added, and nothing is stored", async (_, baseUrl, kind) => {
    const campaignId = await liveCampaignId();
    const result = await addEndpoint(null, campaignId, endpointInputSchema.parse({ name: `m-${uniqueSuffix()}`, kind: "PUSHED", baseUrl }));
    expect(result).toMatchObject({ ok: false, code: "URL_REFUSED", kind });
    expect(await db.modelEndpoint.count({ where: { campaignId } })).toBe(0);
  });

  it("on an allowed address is added (the operator's GPU box)", async () => {
    const campaignId = await liveCampaignId();
    const result = await addEndpoint(
      null,
      campaignId,
      endpointInputSchema.parse({ name: `m-${uniqueSuffix()}`, kind: "PUSHED", baseUrl: `${allowedButHostile.url}/v1` }),
    );
    expect(result).toMatchObject({ ok: true });
  });
});

describe("every connection is checked where it actually goes", () => {
  it("a stored endpoint on an internal address is never called, and Test connection says why", async () => {
    const campaignId = await liveCampaignId();
    const endpointId = await storedEndpoint(campaignId, `${loopbackTwo.url}/v1`);
    const result = await testConnection(campaignId, endpointId);
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining("127.0.0.2 is a loopback address") });
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(loopbackTwo.requests).toEqual([]);
  });

  it("a host name is resolved and checked at connect time, so a name that points inside (DNS rebinding) is refused", async () => {
    const sent = loopbackTwo.requests.length;
    const call = outboundFetch(
      `http://localhost:${allowedButHostile.port}/v1/chat/completions`,
      { method: "POST", body: "{}" },
      { rules: [] },
    );
    await expect(call).rejects.toSatisfy(
      (error: Error) => error.cause instanceof OutboundRefused && /loopback/.test((error.cause as Error).message),
    );
    expect(loopbackTwo.requests.length).toBe(sent);
    // The same name is reached once its address is allowed.
    const allowed = await outboundFetch(
      `http://localhost:${allowedButHostile.port}/ok/`,
      { method: "GET" },
      { rules: [{ kind: "host", host: "localhost", port: null }] },
    );
    expect(allowed.status).toBe(200);
    await allowed.body?.cancel();
  });
});

describe("nothing an endpoint sends back reaches anyone but as a status and a short cause", () => {
  it.each([
    ["an error status with a body", "/error/v1", /HTTP 500 from the endpoint$/],
    ["an error inside its stream", "/streamed-error/v1", /reported an error in its stream$/],
    ["an event that is not JSON", "/garbage/v1", /an event that is not JSON$/],
  ])("%s", async (_, path, cause) => {
    const campaignId = await liveCampaignId();
    const endpointId = await storedEndpoint(campaignId, `${allowedButHostile.url}${path}`);
    const result = await testConnection(campaignId, endpointId);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(cause);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });
});

describe("credentials in a stored URL", () => {
  it("are never shown: the campaign page's list hides them", async () => {
    const campaignId = await liveCampaignId();
    await storedEndpoint(campaignId, "https://admin:hunter2@models.example.com/v1");
    const [listed] = await listEndpoints(campaignId);
    expect(listed.baseUrl).toBe("https://***@models.example.com/v1");
    expect(JSON.stringify(listed)).not.toContain("hunter2");
  });
});
