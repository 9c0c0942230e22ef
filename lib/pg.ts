import "server-only";
import pg from "pg";
import { env } from "./env";

/**
 * A plain node-postgres pool beside the Prisma client, for the work Prisma cannot do: server-side
 * cursors (results over a million votes), COPY and streamed exports. Everything else goes
 * through `db` in lib/db.ts.
 */

const globalForPool = globalThis as unknown as { hikakuPool?: pg.Pool };

export function pool(): pg.Pool {
  // Created on first use: `next build` imports this module without a database.
  globalForPool.hikakuPool ??= new pg.Pool({ connectionString: env().DATABASE_URL, max: 10 });
  return globalForPool.hikakuPool;
}

export async function closePool(): Promise<void> {
  await globalForPool.hikakuPool?.end();
  globalForPool.hikakuPool = undefined;
}

/** A statement's $n parameters written in as quoted literals, for COPY, which takes none. */
export function inlineParameters(client: pg.ClientBase, sql: string, params: unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => client.escapeLiteral(String(params[Number(n) - 1])));
}
