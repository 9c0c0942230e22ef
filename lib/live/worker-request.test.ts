import { describe, expect, it } from "vitest";
import { POST as postChunk } from "@/app/api/v1/worker/jobs/[id]/chunks/route";
import { liveTestServer } from "@/lib/testing/live-campaigns";

/**
 * What a worker's request must look like before its job is touched (lib/live/worker-request.ts):
 * the model's worker token as a Bearer token and nothing else in the header, a JSON body of the
 * route's shape, and what is wrong said in the answer. Through the route handler itself.
 */
const server = liveTestServer();

function chunk(authorization: string | null, body: string): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (authorization !== null) headers.Authorization = authorization;
  const request = new Request("http://hikaku.test/api/v1/worker/jobs/x.1/chunks", { method: "POST", headers, body });
  return postChunk(request, { params: Promise.resolve({ id: "x.1" }) });
}

describe("a worker's request", () => {
  it("carries the model's token as `Bearer <token>` and nothing more", async () => {
    const { tokens } = await server.liveCampaign([{ name: "gpu", kind: "PULLED" }]);
    const token = tokens.get("gpu")!;
    // An accepted token reaches the body's check: a 400, not a 401.
    for (const header of [`Bearer ${token}`, `  bearer   ${token}  `]) expect((await chunk(header, "not json")).status).toBe(400);
    for (const header of [null, `Bearer ${token} extra`, `xBearer ${token}`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`]) {
      const response = await chunk(header, "not json");
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: "UNAUTHENTICATED" });
    }
  });

  it("is answered 400 with what is wrong when its body is not JSON or not of the route's shape", async () => {
    const { tokens } = await server.liveCampaign([{ name: "gpu", kind: "PULLED" }]);
    const bearer = `Bearer ${tokens.get("gpu")!}`;
    expect(await (await chunk(bearer, "{delta:")).json()).toEqual({ code: "INVALID", error: "the body must be JSON" });
    const wrong = await chunk(bearer, JSON.stringify({ delta: 5 }));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ code: "INVALID", error: "invalid body", details: [expect.stringMatching(/^delta: /)] });
    expect(await (await chunk(bearer, JSON.stringify("text"))).json()).toMatchObject({ details: [expect.stringMatching(/^body: /)] });
  });
});
