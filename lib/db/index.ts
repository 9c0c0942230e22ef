/**
 * The one way to the database. One `pg` pool per instance (`pool.ts`), with the Prisma client
 * built on it (`prisma.ts`), and the helpers for statements written as SQL (`sql.ts`). The rule:
 *
 * - Plain reads and writes of the schema's models (find, create, update a row or a few, with
 *   their relations) use the Prisma client: `db.campaign.findUnique(…)`, `db.$transaction(…)`.
 * - Statements written as SQL — the hot paths, aggregates, locks, anything Prisma cannot say —
 *   use `sql.$queryRaw\`…\`` or `transaction(async (tx) => …)`, tagged templates whose values
 *   are parameters. COPY, cursors and batches of statements in one round trip take a connection
 *   (`withConnection`, `batch`) and write values in with `inlineParameters`/`withLiterals`.
 * - A transaction runs on one connection, and everything in it goes through its own `tx`: in
 *   `transaction(async (tx) => …)` tagged SQL only; in `db.$transaction(async (tx) => …)` the
 *   model API, plus `tx.$queryRaw` for the little Prisma cannot say there (an advisory lock, an
 *   aggregate the same transaction decides on). Calling `db` or `sql` inside a transaction would
 *   run on another connection, outside it.
 * - Queries that need pg's own options (COPY, cursors, `rowMode: "array"` for a million rows) use
 *   `pool()` or `withConnection`.
 *
 * `pg` itself is imported nowhere else in the app (eslint.config.mjs says so).
 */
export { db, disconnectDb, type Db, type Tx } from "./prisma";
export {
  escapeLiteral,
  pool,
  sessionConnection,
  withConnection,
  type Connection,
  type QueryResult,
  type Queryable,
  type SessionConnection,
} from "./pool";
export { batch, inlineParameters, sql, transaction, withLiterals, type RawSql } from "./sql";
