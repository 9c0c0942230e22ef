import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import pg from "pg";
import { hasRole } from "@/lib/auth/roles";
import { sessionTokenFrom, sessionUserId } from "@/lib/auth/session-token";
import type { Role } from "@/lib/generated/prisma/enums";
import { rawSqlOver } from "@/lib/pg";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { recordVote } from "@/lib/votes/record-vote";
import { voteInputSchema } from "@/lib/votes/vote-input";

/**
 * The vote path's floor, which `npm run bench:votes` runs beside the app under the same load: a
 * bare node:http server — no Next, no next-auth, no Prisma client — doing only the work a vote
 * must do. It reads next-auth's session cookie and decrypts its JWT as the app does
 * (lib/auth/session-token.ts), looks the user up in the database (role and disabled, as the app does on
 * every request), checks the body with the castVote action's own schema, then runs the app's own
 * vote and next-pair code (lib/votes/record-vote.ts, lib/scheduling/next-assignment.ts) — the
 * same statements — over a plain pg pool. POST /vote/<slug> with the action's arguments
 * (`[input]`) answers the castVote action's result as JSON.
 *
 * Run: DATABASE_URL=… NEXTAUTH_SECRET=… PORT=… tsx --conditions=react-server bench/vote-floor.ts
 */

const secret = process.env.NEXTAUTH_SECRET;
const databaseUrl = process.env.DATABASE_URL;
if (!secret || !databaseUrl) throw new Error("vote-floor needs DATABASE_URL and NEXTAUTH_SECRET");
const port = Number(process.env.PORT ?? 3999);

const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const sql = rawSqlOver(pool);

function requestCookies(request: IncomingMessage): { name: string; value: string }[] {
  return (request.headers.cookie ?? "").split(";").flatMap((part) => {
    const at = part.indexOf("=");
    return at > 0 ? [{ name: part.slice(0, at).trim(), value: decodeURIComponent(part.slice(at + 1).trim()) }] : [];
  });
}

/** The signed-in annotator (as lib/auth/session.ts's currentUser + requireRole decide), or null. */
async function annotator(request: IncomingMessage): Promise<string | null> {
  const userId = await sessionUserId(sessionTokenFrom(requestCookies(request)), secret!);
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

const server = createServer((request, response) => {
  if (request.method !== "POST" || !request.url?.startsWith("/vote/")) return send(response, 404, { error: "not found" });
  castVote(request, response).catch((error: unknown) => {
    console.error(error);
    if (!response.headersSent) send(response, 500, { error: "internal" });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => console.log(`vote floor on http://127.0.0.1:${port}`));

process.on("SIGTERM", () => {
  server.close();
  void pool.end().finally(() => process.exit(0));
});
