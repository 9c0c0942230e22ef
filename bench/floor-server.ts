import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import pg from "pg";
import { hasRole } from "@/lib/auth/roles";
import { cookiesFromHeader, sessionTokenFrom, sessionUserId } from "@/lib/auth/session-token";
import type { Role } from "@/lib/generated/prisma/enums";
import { liveTurnHandler } from "@/lib/live/node-turn";
import { POOL_SETTINGS, rawSqlOver, withIdleErrorsLogged } from "@/lib/pg";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { recordVote } from "@/lib/votes/record-vote";
import { voteInputSchema } from "@/lib/votes/vote-input";

/**
 * The floor of the vote path and of the live prompt path, which `npm run bench:votes` and
 * `npm run bench:live` run beside the app under the same load: a bare node:http server — no Next,
 * no next-auth, no Prisma client for the request itself — doing only the work a request must do.
 * It reads next-auth's session cookie and decrypts its JWT as the app does
 * (lib/auth/session-token.ts), looks the user up in the database where the app does (role and
 * disabled: for a vote; a live turn's own statement checks the account), checks the body with the
 * app's own schema, then runs the app's own code:
 * - POST /vote/<slug> with the castVote action's arguments (`[input]`): the vote and the next pair
 *   (lib/votes/record-vote.ts, lib/scheduling/next-assignment.ts) over a plain pg pool, answered as
 *   the action's result in JSON;
 * - POST /api/v1/live/battles with `{campaignId|assignmentId, prompt}`: the handler the app server
 *   itself answers live prompts with (lib/live/node-turn.ts), here in a process without Next —
 *   what is left between the two is what Next costs the process beside the request.
 *
 * Run: DATABASE_URL=… NEXTAUTH_SECRET=… PORT=… tsx --conditions=react-server bench/floor-server.ts
 */

const secret = process.env.NEXTAUTH_SECRET;
const databaseUrl = process.env.DATABASE_URL;
if (!secret || !databaseUrl) throw new Error("the floor server needs DATABASE_URL and NEXTAUTH_SECRET");
const port = Number(process.env.PORT ?? 3999);

const pool = withIdleErrorsLogged(new pg.Pool({ connectionString: databaseUrl, ...POOL_SETTINGS }));
const sql = rawSqlOver(pool);

/** The signed-in annotator (as lib/auth/session.ts's currentUser + requireRole decide), or null. */
async function annotator(request: IncomingMessage): Promise<string | null> {
  const userId = await sessionUserId(sessionTokenFrom(cookiesFromHeader(request.headers.cookie)), secret!);
  if (!userId) return null;
  const { rows } = await pool.query<{ id: string; role: Role; disabled: boolean }>(
    `SELECT id, email, "displayName", role::text AS role, disabled FROM "User" WHERE id = $1::uuid LIMIT 1`,
    [userId],
  );
  const user = rows[0];
  return user && !user.disabled && hasRole(user.role, "ANNOTATOR") ? user.id : null;
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

async function castVote(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const userId = await annotator(request);
  if (!userId) return send(response, 303, { status: "error", code: "SIGNED_OUT" });
  let args: unknown;
  try {
    args = JSON.parse(await body(request));
  } catch {
    return send(response, 200, { status: "error", code: "INVALID" });
  }
  const parsed = voteInputSchema.safeParse(Array.isArray(args) ? args[0] : undefined);
  if (!parsed.success) return send(response, 200, { status: "error", code: "INVALID" });
  const result = await recordVote(userId, parsed.data, sql);
  if (!result.ok) return send(response, 200, { status: "error", code: result.code });
  send(response, 200, { status: "ok", revealed: result.revealed, next: await nextAssignmentFor(userId, result.campaignId, sql) });
}

const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => Promise<void>> = {
  "/vote/": castVote,
  "/api/v1/live/battles": liveTurnHandler(secret),
};

const server = createServer((request, response) => {
  const route = Object.entries(routes).find(([path]) => request.url?.startsWith(path))?.[1];
  if (request.method !== "POST" || !route) return send(response, 404, { error: "not found" });
  route(request, response).catch((error: unknown) => {
    console.error(error);
    if (!response.headersSent) send(response, 500, { error: "internal" });
    else response.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => console.log(`floor server on http://127.0.0.1:${port}`));

process.on("SIGTERM", () => {
  server.close();
  void pool.end().finally(() => process.exit(0));
});
