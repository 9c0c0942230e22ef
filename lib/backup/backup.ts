import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { escapeLiteral, type Queryable, sessionConnection } from "@/lib/db";
import { CREATE_BOOKKEEPING, readMigrations } from "../../prisma/migrator";

/**
 * Backups as one plain SQL file in pg_dump's plain format: the schema (the SQL of every migration
 * the database has, in order), then every table's rows as `COPY … FROM stdin` blocks in
 * PostgreSQL's text format, in foreign-key order, then the sequences moved past the restored
 * rows — all in one transaction. `psql -f FILE` restores it into an empty database, and so does
 * `npm run hikaku -- restore`, which then applies any migrations newer than the backup. The rows
 * are read from one snapshot, so a backup taken while people vote is consistent.
 */

export const BACKUP_HEADER = "-- Hikaku backup";

interface TableInfo {
  name: string;
  columns: string[];
  /** Columns filled from a sequence (autoincrement ids, Vote.seq). */
  serials: string[];
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** The public tables with their columns, parents before the tables that refer to them. */
async function tablesInDependencyOrder(client: Queryable): Promise<TableInfo[]> {
  const { rows: columns } = await client.query<{ table: string; column: string; serial: boolean }>(
    `SELECT c.table_name AS table, c.column_name AS column, coalesce(c.column_default LIKE 'nextval(%', false) AS serial
     FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
     ORDER BY c.table_name, c.ordinal_position`,
  );
  const { rows: references } = await client.query<{ child: string; parent: string }>(
    `SELECT DISTINCT cl.relname AS child, pl.relname AS parent
     FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class pl ON pl.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = cl.relnamespace
     WHERE k.contype = 'f' AND n.nspname = 'public' AND cl.relname <> pl.relname`,
  );
  const tables = new Map<string, TableInfo>();
  for (const { table, column, serial } of columns) {
    const info = tables.get(table) ?? { name: table, columns: [], serials: [] };
    info.columns.push(column);
    if (serial) info.serials.push(column);
    tables.set(table, info);
  }
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  const visit = (name: string, path: Set<string>) => {
    if (placed.has(name)) return;
    if (path.has(name)) throw new Error(`foreign keys form a cycle through ${name}: cannot order the backup`);
    path.add(name);
    for (const { parent } of references.filter((r) => r.child === name)) visit(parent, path);
    path.delete(name);
    placed.add(name);
    ordered.push(tables.get(name)!);
  };
  for (const name of [...tables.keys()].sort()) visit(name, new Set());
  return ordered;
}

async function write(out: Writable, text: string | Buffer): Promise<void> {
  if (!out.write(text)) await once(out, "drain");
}

/** Writes a backup of the database at `url` to `out`; returns the rows written per table. */
export async function backupDatabase(url: string, out: Writable): Promise<Record<string, number>> {
  const client = sessionConnection(url);
  await client.connect();
  const counts: Record<string, number> = {};
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const { rows: applied } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
    );
    const files = new Map(readMigrations().map((m) => [m.name, m]));
    const missing = applied.filter((m) => !files.has(m.migration_name)).map((m) => m.migration_name);
    if (missing.length)
      throw new Error(
        `this version of Hikaku does not know the database's migrations ${missing.join(", ")}: back up with the newer version`,
      );
    const tables = await tablesInDependencyOrder(client);

    await write(out, `${BACKUP_HEADER}, made ${new Date().toISOString()}: restore with \`npm run hikaku -- restore --file FILE\`\n`);
    await write(out, "-- (or `psql -v ON_ERROR_STOP=1 -f FILE` into an empty database)\n");
    await write(out, "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\nBEGIN;\n\n");
    for (const { migration_name } of applied) {
      await write(out, `-- migration ${migration_name}\n${files.get(migration_name)!.sql.trim()}\n\n`);
    }
    await write(out, `${CREATE_BOOKKEEPING.trim()};\n\n`);
    for (const table of tables) {
      const columns = table.columns.map(quote).join(", ");
      await write(out, `COPY ${quote(table.name)} (${columns}) FROM stdin;\n`);
      const stream = client.query(copyTo(`COPY ${quote(table.name)} (${columns}) TO STDOUT`));
      for await (const chunk of stream as AsyncIterable<Buffer>) await write(out, chunk);
      counts[table.name] = stream.rowCount;
      await write(out, "\\.\n\n");
    }
    for (const table of tables) {
      for (const column of table.serials) {
        const sequence = `pg_get_serial_sequence('${quote(table.name)}', '${column}')`;
        await write(
          out,
          `SELECT setval(${sequence}, coalesce(max(${quote(column)}), 1), max(${quote(column)}) IS NOT NULL) FROM ${quote(table.name)};\n`,
        );
      }
    }
    await write(out, "COMMIT;\n");
    await client.query("COMMIT");
    return counts;
  } finally {
    await client.end();
  }
}

export class RestoreRefused extends Error {}

/** Whether the database has any table (the restore needs one without). */
async function hasTables(client: Queryable): Promise<boolean> {
  const { rows } = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' LIMIT 1`);
  return rows.length > 0;
}

/** `"name"` (a quoted identifier) as the name. */
const IDENTIFIER = String.raw`"((?:[^"]|"")+)"`;
const COPY_LINE = new RegExp(String.raw`^COPY ${IDENTIFIER} \(((?:"(?:[^"]|"")+"(?:, )?)+)\) FROM stdin;$`);
const SETVAL_LINE = new RegExp(
  String.raw`^SELECT setval\(pg_get_serial_sequence\('${IDENTIFIER}', '([A-Za-z_][A-Za-z0-9_]*)'\), coalesce\(max\(${IDENTIFIER}\), 1\), max\(${IDENTIFIER}\) IS NOT NULL\) FROM ${IDENTIFIER};$`,
);
const PREAMBLE = ["SET client_encoding = 'UTF8';", "SET standard_conforming_strings = on;", "BEGIN;"];
const unquote = (quoted: string) => quoted.replace(/""/g, '"');

/**
 * Restores a backup file into the empty database at `url`, in one transaction (a failure leaves
 * the database empty). The file is not run as SQL: only what a backup consists of is accepted,
 * and what runs is written here — the preamble; each migration, which must be this version's
 * migration of that name, word for word; the migrations' bookkeeping table; `COPY … FROM stdin`
 * blocks of rows for tables and columns the schema has; sequences moved past those rows; COMMIT.
 * Anything else (a `COPY … FROM PROGRAM` that would run a shell command as the database's
 * superuser, say) is refused with its line number before any of it runs.
 */
export async function restoreDatabase(url: string, input: Readable): Promise<Record<string, number>> {
  const client = sessionConnection(url);
  await client.connect();
  const counts: Record<string, number> = {};
  let inTransaction = false;
  const migrations = new Map(readMigrations().map((m) => [m.name, m.sql.trim().split("\n")]));
  const bookkeeping = `${CREATE_BOOKKEEPING.trim()};`.split("\n");
  try {
    if (await hasTables(client)) {
      throw new RestoreRefused(
        "The database is not empty. Restore into a new database: point DATABASE_URL at one, or (embedded) stop Hikaku and move its data folder (.hikaku) away first.",
      );
    }
    const lines = createInterface({ input, crlfDelay: Infinity });
    let lineNumber = 0;
    const refuse = (what: string) =>
      new RestoreRefused(`Line ${lineNumber} is not part of a Hikaku backup (${what}): nothing was restored.`);
    /** Lines a block must match word for word, and what to run once it has. */
    let expected: { lines: string[]; at: number; run: string } | null = null;
    let preamble = 0;
    let committed = false;
    let copy: { stream: Writable; table: string } | null = null;
    let copyError: Error | null = null;
    /** The schema's tables and columns, read once the migrations have run. */
    let schema: Map<string, Set<string>> | null = null;
    const tableColumns = async () => {
      if (!schema) {
        const { rows } = await client.query<{ table: string; column: string }>(
          `SELECT table_name AS table, column_name AS column FROM information_schema.columns WHERE table_schema = 'public'`,
        );
        schema = new Map();
        for (const { table, column } of rows) schema.set(table, (schema.get(table) ?? new Set()).add(column));
      }
      return schema;
    };
    for await (const line of lines) {
      lineNumber++;
      if (lineNumber === 1) {
        if (!line.startsWith(BACKUP_HEADER))
          throw new RestoreRefused("This is not a Hikaku backup (it does not start with its header line).");
        continue;
      }
      if (copyError) throw copyError;
      if (copy) {
        if (line === "\\.") {
          copy.stream.end();
          await Promise.race([once(copy.stream, "finish"), once(copy.stream, "error").then(([error]) => Promise.reject(error))]);
          counts[copy.table] = (copy.stream as unknown as { rowCount: number }).rowCount;
          copy = null;
        } else if (!copy.stream.write(`${line}\n`)) {
          await once(copy.stream, "drain");
        }
        continue;
      }
      if (expected) {
        if (line !== expected.lines[expected.at]) throw refuse("it differs from this version's migration or bookkeeping");
        if (++expected.at === expected.lines.length) {
          await client.query(expected.run);
          expected = null;
        }
        continue;
      }
      if (committed) {
        if (line.trim() === "") continue;
        throw refuse("text after COMMIT");
      }
      if (line.trim() === "" || (line.startsWith("-- ") && !line.startsWith("-- migration "))) continue;
      if (preamble < PREAMBLE.length) {
        if (line !== PREAMBLE[preamble]) throw refuse(`expected ${PREAMBLE[preamble]}`);
        await client.query(line);
        preamble++;
        inTransaction ||= line === "BEGIN;";
        continue;
      }
      const migration = /^-- migration (\S+)$/.exec(line);
      if (migration) {
        const sql = migrations.get(migration[1]);
        if (!sql) throw refuse(`this version of Hikaku has no migration ${migration[1]}`);
        expected = { lines: sql, at: 0, run: sql.join("\n") };
        continue;
      }
      if (line === bookkeeping[0]) {
        expected = { lines: bookkeeping, at: 1, run: bookkeeping.join("\n") };
        if (bookkeeping.length === 1) {
          await client.query(expected.run);
          expected = null;
        }
        continue;
      }
      const copyLine = COPY_LINE.exec(line);
      if (copyLine) {
        const table = unquote(copyLine[1]);
        const columns = [...copyLine[2].matchAll(/"((?:[^"]|"")+)"/g)].map((m) => unquote(m[1]));
        const known = (await tableColumns()).get(table);
        if (!known) throw refuse(`no table ${table}`);
        const unknown = columns.find((column) => !known.has(column));
        if (unknown) throw refuse(`no column ${unknown} in ${table}`);
        const stream = client.query(copyFrom(`COPY ${quote(table)} (${columns.map(quote).join(", ")}) FROM STDIN`));
        // A bad row fails the COPY; the error surfaces when the block ends (or the file does).
        stream.on("error", (error) => (copyError ??= error));
        copy = { stream, table };
        continue;
      }
      const setval = SETVAL_LINE.exec(line);
      if (setval) {
        const [, table, column, max1, max2, from] = setval.map((part, i) => (i === 0 ? part : unquote(part)));
        if (max1 !== column || max2 !== column || from !== table || !(await tableColumns()).get(table)?.has(column))
          throw refuse("a sequence of no known table and column");
        const sequence = `pg_get_serial_sequence(${escapeLiteral(quote(table))}, ${escapeLiteral(column)})`;
        await client.query(
          `SELECT setval(${sequence}, coalesce(max(${quote(column)}), 1), max(${quote(column)}) IS NOT NULL) FROM ${quote(table)}`,
        );
        continue;
      }
      if (line === "COMMIT;") {
        if (!inTransaction) throw refuse("COMMIT before BEGIN");
        // Committed once the whole file has been read: nothing may follow it.
        committed = true;
        continue;
      }
      throw refuse(`"${line.slice(0, 80)}"`);
    }
    if (lineNumber === 0) throw new RestoreRefused("The backup file is empty.");
    if (copy) {
      copy.stream.destroy(new Error("the backup file ended inside this table's rows"));
      await once(copy.stream, "close").catch(() => {});
      throw new RestoreRefused("The backup file ends inside a table's rows: it is incomplete. Nothing was restored.");
    }
    // A file cut short would otherwise commit what it has: only one that ends as written is kept.
    if (!committed) throw new RestoreRefused("The backup file is incomplete (it does not end with COMMIT): nothing was restored.");
    await client.query("COMMIT");
    inTransaction = false;
    return counts;
  } catch (error) {
    if (inTransaction) await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
