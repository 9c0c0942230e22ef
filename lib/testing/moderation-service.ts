import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A test's own moderation service over real HTTP: it records each prompt and conversation it is
 * sent, lets `reply` answer, and becomes HIKAKU_MODERATION_URL (read once per test file, so start it
 * before the first check). It listens on 127.0.0.2, a loopback address the tests do not allow for
 * models: the operator's own moderation service is allowed anyway.
 */
export async function startModerationService(reply: (prompt: string, response: http.ServerResponse) => void) {
  const asked: string[] = [];
  const conversations: string[][] = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const { prompt, turns } = JSON.parse(body) as { prompt: string; turns: string[] };
      asked.push(prompt);
      conversations.push(turns);
      reply(prompt, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.2", resolve));
  process.env.HIKAKU_MODERATION_URL = `http://127.0.0.2:${(server.address() as AddressInfo).port}/check`;
  return { server, asked, conversations };
}
