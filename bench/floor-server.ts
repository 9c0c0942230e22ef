import { createServer } from "node:http";
import { sendJson, type NodeHandler } from "@/lib/http/node-json";
import { liveTurnHandler } from "@/lib/live/node-turn";
import { disconnectDb } from "@/lib/db";
import { voteHandler } from "@/lib/votes/node-vote";

/**
 * The floor of the vote path and of the live prompt path, which `npm run bench:votes` and
 * `npm run bench:live` run beside the app under the same load: a bare node:http server — no Next,
 * no next-auth, no Prisma client for the request itself — answering both requests with the very
 * handlers the app server answers them with (lib/votes/node-vote.ts, lib/live/node-turn.ts: the
 * session cookie's JWT decrypted as the app does, the user looked up, the body checked with the
 * app's own schema, the app's own statements, over lib/db's pool). What is left between
 * the two servers is what Next costs the process beside the request.
 *
 * Run: DATABASE_URL=… NEXTAUTH_SECRET=… PORT=… tsx --conditions=react-server bench/floor-server.ts
 */

const secret = process.env.NEXTAUTH_SECRET;
const databaseUrl = process.env.DATABASE_URL;
if (!secret || !databaseUrl) throw new Error("the floor server needs DATABASE_URL and NEXTAUTH_SECRET");
const port = Number(process.env.PORT ?? 3999);

const routes: Record<string, NodeHandler> = {
  "/api/v1/votes": voteHandler(secret),
  "/api/v1/live/battles": liveTurnHandler(secret),
};

const server = createServer((request, response) => {
  const route = Object.entries(routes).find(([path]) => request.url?.startsWith(path))?.[1];
  if (request.method !== "POST" || !route) return sendJson(response, 404, { error: "not found" }, {});
  route(request, response).catch((error: unknown) => {
    console.error(error);
    if (!response.headersSent) sendJson(response, 500, { error: "internal" }, {});
    else response.end();
  });
});
// As scripts/app-server.mjs.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, "127.0.0.1", () => console.log(`floor server on http://127.0.0.1:${port}`));

process.on("SIGTERM", () => {
  server.close();
  void disconnectDb().finally(() => process.exit(0));
});
