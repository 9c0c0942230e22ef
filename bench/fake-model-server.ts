import { startFakeOpenAi } from "@/lib/testing/fake-openai";

/**
 * The test's OpenAI-compatible server as a process of its own (bench/live.ts runs it so, as a
 * model server is in production): prints its base URL, serves until killed.
 * FAKE_TOKEN_MS (default 20) per token, FAKE_ANSWER_TOKENS (default 300) per answer.
 */
const server = await startFakeOpenAi({
  tokenDelayMs: Number(process.env.FAKE_TOKEN_MS ?? 20),
  answerTokens: Number(process.env.FAKE_ANSWER_TOKENS ?? 300),
});
console.log(server.baseUrl);
