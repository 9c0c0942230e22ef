import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { escapeLiteral, pool, type Connection, type Queryable, type QueryResult } from "./pool";

/**
 * A runner of statements written as tagged templates (`sql.$queryRaw\`SELECT … ${value}\``): the
 * same interface as the Prisma client's, so a statement reads the same wherever it runs.
 */
export interface RawSql {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
}

/**
 * Tagged-template statements on `connection` (the pool, or one connection taken from it). Every
 * timestamp column is timestamptz, which pg reads and writes as Prisma does.
 */
export function rawSqlOver(connection: Queryable): RawSql {
  return {
    $queryRaw: async <T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
      (await run(connection, query, values)).rows as T,
    $executeRaw: async (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
      (await run(connection, query, values)).rowCount ?? 0,
  };
}

function run(connection: Queryable, query: TemplateStringsArray | Prisma.Sql, values: unknown[]) {
  const { text, values: parameters } = query instanceof Prisma.Sql ? query : Prisma.sql(query, ...(values as Prisma.Sql[]));
  return connection.query(text, parameters);
}

/**
 * Statements written as SQL, each on a pooled connection. The hot paths (the session's user, the
 * vote, the next pair, a live turn) run here rather than through the Prisma client, whose
 * per-statement handling cost more than the statements (docs/benchmarks.md, "Vote ingestion").
 */
export const sql: RawSql = {
  $queryRaw: async <T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await run(pool(), query, values)).rows as T,
  $executeRaw: async (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await run(pool(), query, values)).rowCount ?? 0,
};

/** `work` in one transaction on one pooled connection, its statements written as tagged templates. */
export async function transaction<T>(work: (tx: RawSql, connection: Connection) => Promise<T>): Promise<T> {
  const connection = await pool().connect();
  try {
    await connection.query("BEGIN");
    const result = await work(rawSqlOver(connection), connection);
    await connection.query("COMMIT");
    return result;
  } catch (error) {
    await connection.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    connection.release();
  }
}

/**
 * A statement's $n parameters written in as literals (NULL for null): for COPY, which takes no
 * parameters, and for several statements sent in one round trip, which the simple query protocol
 * runs in one transaction but without parameters. Each value stays an untyped literal, as an
 * untyped parameter would be.
 */
export function inlineParameters(text: string, params: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    return value === null || value === undefined ? "NULL" : escapeLiteral(String(value));
  });
}

/** A tagged statement (Prisma.sql) with its values written in as literals (see inlineParameters). */
export function withLiterals(statement: Prisma.Sql): string {
  return inlineParameters(statement.text, statement.values);
}

/**
 * Statements sent as one text in one round trip (the simple query protocol runs them in one
 * implicit transaction); one result per statement. Values must be written in (`withLiterals`).
 */
export async function batch<Row extends object = Record<string, unknown>>(statements: readonly string[]): Promise<QueryResult<Row>[]> {
  const results = (await pool().query(statements.join(";\n"))) as unknown as QueryResult<Row> | QueryResult<Row>[];
  return Array.isArray(results) ? results : [results];
}
