import "server-only";
import pg from "pg";
import { env } from "@/lib/env";
import { log } from "@/lib/log";

/**
 * How long a request waits for a free connection before it fails: a pool held by something that
 * does not let go then costs an error, not a request that hangs until the client gives up.
 */
const CONNECTION_TIMEOUT_MS = 15_000;

/**
 * Settings of the instance's one pool (also the benchmark floor's). node-postgres closes a
 * connection after 10 s unused by default; under bursty voting the least used connections then
 * close between bursts, and the next burst waits for new ones (a SCRAM handshake and a backend
 * start each, hundreds of ms on a busy 2-core host).
 */
export const POOL_SETTINGS = { max: 10, idleTimeoutMillis: 60_000, connectionTimeoutMillis: CONNECTION_TIMEOUT_MS } as const;

/** A connection taken from the pool for work that needs one: COPY, cursors, a multi-statement batch. */
export type Connection = pg.PoolClient;
/** Whatever runs a query: the pool, a pooled connection, or a connection of its own. */
export type Queryable = pg.Pool | pg.ClientBase;
export type QueryResult<Row extends object = Record<string, unknown>> = pg.QueryResult<Row>;
/** A connection outside the pool, for what holds a session: LISTEN, a backup's snapshot. */
export type SessionConnection = pg.Client;

/** A value written into SQL text as a quoted literal (for COPY and batches, which take no parameters). */
export const escapeLiteral: (value: string) => string = pg.escapeLiteral;

const globalForPool = globalThis as unknown as { hikakuPool?: pg.Pool };

/** The instance's one pool: the Prisma client runs on it too (lib/db/prisma.ts). */
export function pool(): pg.Pool {
  // Created on first use: `next build` imports this module without a database.
  globalForPool.hikakuPool ??= withIdleErrorsLogged(new pg.Pool({ connectionString: env().DATABASE_URL, ...POOL_SETTINGS }));
  return globalForPool.hikakuPool;
}

/**
 * An idle connection the server ends (a restart, a failover, an administrator) is an `error`
 * event on the pool, which without a listener would crash the process; the pool drops the
 * connection itself and opens a new one when next needed.
 */
export function withIdleErrorsLogged(pgPool: pg.Pool): pg.Pool {
  pgPool.on("error", (error) => log().warn({ err: error }, "an idle database connection was closed"));
  return pgPool;
}

export async function closePool(): Promise<void> {
  const open = globalForPool.hikakuPool;
  globalForPool.hikakuPool = undefined;
  await open?.end();
}

/** `work` on one connection of the pool, given back afterwards whatever happens. */
export async function withConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await pool().connect();
  try {
    return await work(connection);
  } finally {
    connection.release();
  }
}

/**
 * A session of its own, outside the pool (to `url`, by default the app's database — directly, past
 * a transaction pooler, when DIRECT_DATABASE_URL is set); the caller connects and ends it.
 */
export function sessionConnection(url: string = env().DIRECT_DATABASE_URL ?? env().DATABASE_URL): SessionConnection {
  return new pg.Client({ connectionString: url });
}
