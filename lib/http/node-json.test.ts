import { afterEach, describe, expect, it, vi } from "vitest";
import { serveNodeHandler, sessionCookie } from "@/lib/testing/node-handler";
import { signedJsonHandler, type SignedJsonRequest } from "./node-json";
import { log } from "@/lib/log";

/** The frame of the app server's own handlers (votes, live prompts), over real HTTP. */
const SECRET = "node-json-test-secret-0123456789abcdef";
const USER_ID = "6a1f2c3d-4b5e-4f70-8a9b-0c1d2e3f4a5b";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
  vi.restoreAllMocks();
});

async function serve(answer: Parameters<typeof signedJsonHandler>[1]) {
  const served = await serveNodeHandler(signedJsonHandler({ name: "test request", secret: SECRET, maxBodyBytes: 100 }, answer));
  close = served.close;
  return served.base;
}

describe("the app server's own JSON handlers", () => {
  it("hand the steps whose session came, the content type and the body as JSON", async () => {
    const seen: Omit<SignedJsonRequest, "json">[] = [];
    const bodies: unknown[] = [];
    const base = await serve(async (input, { response, headers }) => {
      seen.push({ userId: input.userId, contentType: input.contentType });
      bodies.push(await input.json());
      response.writeHead(204, headers).end();
    });
    const signedIn = await fetch(base, {
      method: "POST",
      body: '{"a":1}',
      headers: { "Content-Type": "application/json", Cookie: await sessionCookie(USER_ID, SECRET), "X-Forwarded-Proto": "https" },
    });
    expect(signedIn.status).toBe(204);
    expect(signedIn.headers.get("x-frame-options")).toBe("DENY");
    expect(signedIn.headers.get("strict-transport-security")).toContain("max-age=");
    const anonymous = await fetch(base, { method: "POST", body: "not json", headers: { "Content-Type": "text/plain" } });
    expect(anonymous.headers.get("strict-transport-security")).toBeNull();
    expect(seen).toEqual([
      { userId: USER_ID, contentType: "application/json" },
      { userId: null, contentType: "text/plain" },
    ]);
    expect(bodies).toEqual([{ a: 1 }, undefined]);
  });

  it("answer a body over the limit with 413 and close the connection", async () => {
    const base = await serve(async (input, { response, headers }) => {
      await input.json();
      response.writeHead(204, headers).end();
    });
    const fits = await fetch(base, { method: "POST", body: JSON.stringify({ text: "x".repeat(80) }) });
    expect(fits.status).toBe(204);
    const tooLarge = await fetch(base, { method: "POST", body: JSON.stringify({ text: "x".repeat(120) }) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get("connection")).toBe("close");
    expect(await tooLarge.json()).toEqual({ error: "the body is larger than 100 bytes", code: "TOO_LARGE" });
  });

  it("answer a failure with 500 and a log line, or end a response already begun", async () => {
    const logged = vi.spyOn(log(), "error").mockImplementation(() => {});
    const base = await serve(async (input, { response, headers }) => {
      const body = (await input.json()) as { after?: boolean };
      if (body.after) response.writeHead(200, headers).write("partial");
      throw new Error("the database went away");
    });
    const failed = await fetch(base, { method: "POST", body: "{}" });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: "internal error", code: "INTERNAL" });
    expect(logged).toHaveBeenCalledWith(
      { err: expect.objectContaining({ message: "the database went away" }), handler: "test request" },
      "request handler failed",
    );
    const begun = await fetch(base, { method: "POST", body: '{"after":true}' });
    expect(begun.status).toBe(200);
    expect(await begun.text()).toBe("partial");
  });
});
