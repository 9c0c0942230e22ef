import { createServer } from "node:http";
import { disconnectDb } from "@/lib/db";
import { ownEndpointsOnly } from "@/lib/own-endpoints";

/**
 * The floor of the vote path and of the live prompt path, which `npm run bench:votes` and
 * `npm run bench:live` run beside the app under the same load: a bare node:http server — no Next,
 * no next-auth, no Prisma client for the request itself — answering both requests with the very
 * table the app server answers them with (lib/own-endpoints.ts: the
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

const server = createServer(ownEndpointsOnly(secret));
// As scripts/app-server.mjs.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, "127.0.0.1", () => console.log(`floor server on http://127.0.0.1:${port}`));

process.on("SIGTERM", () => {
  server.close();
  void disconnectDb().finally(() => process.exit(0));
});
