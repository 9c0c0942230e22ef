import "server-only";
import pg from "pg";
import type { RawSql } from "./db";
import { env } from "./env";
import { Prisma } from "./generated/prisma/client";

/**
 * A plain node-postgres pool beside the Prisma client, for the work Prisma cannot do: server-side
 * cursors (results over a million votes), COPY and streamed exports. Everything else goes
 * through `db` in lib/db.ts.
 */

/**
 * How long a request waits for a free connection before it fails: a pool held by something that
 * does not let go then costs an error, not a request that hangs until the client gives up.
 */
const CONNECTION_TIMEOUT_MS = 15_000;

/**
 * Settings for every pg pool of an instance (this one, Prisma's adapter, the benchmark's floor).
 * node-postgres closes a connection after 10 s unused by default; under bursty voting the least
 * used of a pool's connections then close between bursts, and the next burst waits for new ones
 * (a SCRAM handshake and a backend start each, hundreds of ms on a busy 2-core host).
 */
export const POOL_SETTINGS = { max: 10, idleTimeoutMillis: 60_000, connectionTimeoutMillis: CONNECTION_TIMEOUT_MS } as const;

const globalForPool = globalThis as unknown as { hikakuPool?: pg.Pool; hikakuPoolSql?: RawSql };

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
  pgPool.on("error", (error) => console.error(`An idle database connection was closed: ${error.message}`));
  return pgPool;
}

export async function closePool(): Promise<void> {
  await globalForPool.hikakuPool?.end();
  globalForPool.hikakuPool = undefined;
  globalForPool.hikakuPoolSql = undefined;
}

/**
 * Raw statements on the pool, for the hot path of every vote (the session's user, the vote, the
 * next pair): the same tagged templates as through `db`, at a fraction of the CPU — the Prisma
 * client's tracing, parameter and result handling cost more per vote than the statements
 * (docs/benchmarks.md, "Vote ingestion").
 */
export function poolSql(): RawSql {
  globalForPool.hikakuPoolSql ??= rawSqlOver(pool());
  return globalForPool.hikakuPoolSql;
}

/**
 * A statement's $n parameters written in as literals (NULL for null): for COPY, which takes no
 * parameters, and for several statements sent in one round trip, which the simple query protocol
 * runs in one transaction but without parameters. Each value stays an untyped literal, as an
 * untyped parameter would be.
 */
export function inlineParameters(sql: string, params: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    return value === null || value === undefined ? "NULL" : pg.escapeLiteral(String(value));
  });
}

/** A tagged statement (Prisma.sql) with its values written in as literals (see inlineParameters). */
export function withLiterals(statement: Prisma.Sql): string {
  return inlineParameters(statement.text, statement.values);
}

/**
 * Raw statements (the same tagged templates as through `db`) run on a pg pool. Every timestamp
 * column is timestamptz, which pg reads and writes as Prisma does.
 */
export function rawSqlOver(pgPool: pg.Pool | pg.PoolClient): RawSql {
  const statement = (query: TemplateStringsArray | Prisma.Sql, values: unknown[]) =>
    query instanceof Prisma.Sql ? query : Prisma.sql(query, ...(values as Prisma.Sql[]));
  return {
    async $queryRaw<T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T> {
      const sql = statement(query, values);
      return (await pgPool.query(sql.text, sql.values)).rows as T;
    },
    async $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number> {
      const sql = statement(query, values);
      return (await pgPool.query(sql.text, sql.values)).rowCount ?? 0;
    },
  };
}

/**
 * `work` in one transaction on a pooled connection, written with the same tagged templates as
 * `db.$transaction` — without the Prisma client's per-statement cost, which the live battles'
 * short transactions would otherwise pay a dozen times per battle (docs/benchmarks.md).
 */
export async function pgTransaction<T>(work: (sql: RawSql) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  try {
    await client.query("BEGIN");
    const result = await work(rawSqlOver(client));
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
