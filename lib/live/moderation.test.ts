import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModerationService } from "@/lib/testing/moderation-service";

/**
 * The moderation hook over real HTTP: a small service that allows, refuses, fails or answers
 * nonsense depending on the prompt. The environment is read once per test file, so the service's
 * address is set before the first check. It listens on 127.0.0.2, a loopback address the tests do
 * not allow for models (vitest.setup.ts): the operator's own moderation service is allowed anyway.
 */
let server: http.Server;
let asked: string[] = [];
let conversations: string[][] = [];

beforeAll(async () => {
  ({ server, asked, conversations } = await startModerationService((prompt, response) => {
    // A failing service's body is not read, even when it looks like a verdict.
    if (prompt.includes("crash")) return void response.writeHead(500).end(JSON.stringify({ allowed: true }));
    // A redirect could send the prompt anywhere: it is not followed.
    if (prompt.includes("redirect")) return void response.writeHead(307, { Location: "/check?allowed" }).end();
    if (prompt.includes("flood"))
      return void response.writeHead(200, { "Content-Type": "application/json" }).end(`{"allowed": true, "pad": "${"x".repeat(200_000)}"}`);
    response.writeHead(200, { "Content-Type": "application/json" });
    if (prompt.includes("nonsense")) return void response.end(JSON.stringify({ allowed: "yes" }));
    response.end(JSON.stringify({ allowed: !prompt.includes("bad") }));
  }));
});

afterAll(() => {
  server.close();
});

const limits = { maxChars: 50, words: ["秘密"] };

describe("checkPrompt with a moderation service", () => {
  it("sends the prompt to the service and follows its verdict", async () => {
    const { checkPrompt } = await import("./moderation");
    expect(await checkPrompt("a fine question", limits)).toBeNull();
    expect(await checkPrompt("a bad question", limits)).toBe("MODERATED");
    expect(asked).toEqual(["a fine question", "a bad question"]);
    // A first prompt is the whole conversation.
    expect(conversations).toEqual([["a fine question"], ["a bad question"]]);
  });

  it("refuses the prompt when the service fails or answers something else than a verdict", async () => {
    const { checkPrompt } = await import("./moderation");
    expect(await checkPrompt("please crash", limits)).toBe("MODERATION_UNAVAILABLE");
    expect(await checkPrompt("some nonsense", limits)).toBe("MODERATION_UNAVAILABLE");
    expect(await checkPrompt("please redirect", limits)).toBe("MODERATION_UNAVAILABLE");
    expect(await checkPrompt("a flood", limits)).toBe("MODERATION_UNAVAILABLE");
  });

  it("sends the whole conversation, so a follow-up is judged in context", async () => {
    const { checkPrompt } = await import("./moderation");
    expect(await checkPrompt("and the second step?", limits, ["how do I start?"])).toBeNull();
    expect(conversations.at(-1)).toEqual(["how do I start?", "and the second step?"]);
  });

  it("asks the service nothing about a prompt the campaign's own checks refuse", async () => {
    const { checkPrompt } = await import("./moderation");
    const before = asked.length;
    expect(await checkPrompt("   ", limits)).toBe("EMPTY");
    expect(await checkPrompt("x".repeat(51), limits)).toBe("TOO_LONG");
    expect(await checkPrompt("x".repeat(50), { ...limits, words: [] })).toBeNull();
    expect(await checkPrompt("これは秘密です", limits)).toBe("MODERATED");
    expect(asked.length).toBe(before + 1);
  });

  it("refuses the prompt when the service cannot be reached", async () => {
    const { checkPrompt } = await import("./moderation");
    await new Promise((resolve) => server.close(resolve));
    expect(await checkPrompt("a fine question", limits)).toBe("MODERATION_UNAVAILABLE");
  });
});
