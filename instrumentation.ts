/**
 * Runs once when a server instance starts: a bad environment stops it with a readable error. In the
 * production server it also hands scripts/app-server.mjs the handlers for the requests it answers
 * itself, live prompts (lib/live/node-turn.ts) and votes (lib/votes/node-vote.ts), compiled here
 * with the rest of the app.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("./lib/env");
  const secret = env().NEXTAUTH_SECRET;
  // Without a secret (development) next-auth makes one up, which only the route knows.
  if (!secret) return;
  const { liveTurnHandler } = await import("./lib/live/node-turn");
  const { voteHandler } = await import("./lib/votes/node-vote");
  Object.assign(globalThis, { hikakuLiveTurn: liveTurnHandler(secret), hikakuVote: voteHandler(secret) });
}
