import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase, dropDatabase } from "../scripts/lib/local-postgres";
import { pendingSchemaSql, SCHEMA_PATH } from "./make-migration";
import { migrate, MigrationError, MIGRATIONS_DIR, readMigrations } from "./migrator";
import { diffSchemas } from "./schema-engine";

// Any database on the test server will do: createDatabase only uses it to connect.
const serverUrl = inject("templateDatabaseUrl");
const created: string[] = [];

async function emptyDatabase(label: string): Promise<string> {
  const name = `migrator_${label}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  created.push(name);
  return createDatabase(serverUrl, name);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const name of created) await dropDatabase(serverUrl, name);
});

describe("migrator", () => {
  const migrations = readMigrations();

  it("applies every migration to an empty database and records them as Prisma does", async () => {
    const url = await emptyDatabase("fresh");
    const result = await migrate(url);
    expect(result.applied).toEqual(migrations.map((m) => m.name));
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(migrations.map((m) => [m.name, m.checksum]));
    expect(rows.every((r) => r.finished_at !== null && r.applied_steps_count === 1)).toBe(true);
  });

  it("does nothing when run again", async () => {
    const url = await emptyDatabase("rerun");
    await migrate(url);
    const again = await migrate(url);
    expect(again).toEqual({ applied: [], alreadyApplied: migrations.length });
  });

  it("refuses to go on when an applied migration file was edited", async () => {
    const url = await emptyDatabase("edited");
    const dir = mkdtempSync(join(tmpdir(), "hikaku-migrations-"));
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      await migrate(url, { dir });
      const file = join(dir, migrations[0].name, "migration.sql");
      writeFileSync(file, readFileSync(file, "utf8") + "\n-- a harmless-looking edit\n");
      await expect(migrate(url, { dir })).rejects.toThrow(MigrationError);
      await expect(migrate(url, { dir })).rejects.toThrow(/was edited after it was applied/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rolls back a failing migration completely and reports it", async () => {
    const url = await emptyDatabase("failing");
    const dir = mkdtempSync(join(tmpdir(), "hikaku-migrations-"));
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      const broken = join(dir, "99999999999999_broken");
      cpSync(join(dir, migrations[0].name), broken, { recursive: true });
      writeFileSync(join(broken, "migration.sql"), `CREATE TABLE "half_written" (id int);\nSELECT no_such_function();\n`);
      await expect(migrate(url, { dir })).rejects.toThrow(/99999999999999_broken failed and was rolled back/);
      const tables = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'half_written'`);
      expect(tables[0].n).toBe(0);
      const recorded = await query<{ n: number }>(
        url,
        `SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE migration_name = '99999999999999_broken'`,
      );
      expect(recorded[0].n).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("applies each migration once when two instances start at the same time", async () => {
    const url = await emptyDatabase("concurrent");
    const [first, second] = await Promise.all([migrate(url), migrate(url)]);
    expect([...first.applied, ...second.applied].sort()).toEqual(migrations.map((m) => m.name));
    const rows = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0].n).toBe(migrations.length);
  });
});

describe("migrations and the Prisma schema", () => {
  type Column = {
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: string;
    column_default: string | null;
  };
  const describeSchema = async (url: string) => ({
    columns: await query<Column>(
      url,
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name, column_name`,
    ),
    indexes: await query<{ indexdef: string }>(
      url,
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`,
    ),
    constraints: await query<{ conname: string; contype: string; def: string }>(
      url,
      `SELECT c.conname, c.contype, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
       JOIN pg_namespace n ON n.oid = c.connamespace LEFT JOIN pg_class r ON r.oid = c.conrelid
       WHERE n.nspname = 'public' AND r.relname IS DISTINCT FROM '_prisma_migrations' ORDER BY c.conname`,
    ),
    enums: await query<{ typname: string; labels: string }>(
      url,
      `SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels FROM pg_type t
       JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY t.typname`,
    ),
  });

  let migrated: Awaited<ReturnType<typeof describeSchema>>;
  let fromSchema: Awaited<ReturnType<typeof describeSchema>>;

  beforeAll(async () => {
    const viaMigrations = await emptyDatabase("via_migrations");
    await migrate(viaMigrations);
    const viaSchema = await emptyDatabase("via_schema");
    // What Prisma itself would create from schema.prisma on an empty database.
    await query(viaSchema, await diffSchemas(null, readFileSync(SCHEMA_PATH, "utf8"), viaSchema));
    [migrated, fromSchema] = await Promise.all([describeSchema(viaMigrations), describeSchema(viaSchema)]);
  });

  it("gives every table the columns, types, nullability and defaults of the schema", () => {
    expect(migrated.columns.length).toBeGreaterThan(50);
    expect(migrated.columns).toEqual(fromSchema.columns);
    expect(migrated.enums).toEqual(fromSchema.enums);
  });

  it("gives the same unique constraints, indexes and foreign keys", () => {
    expect(migrated.indexes.some((i) => /UNIQUE INDEX "Vote_assignmentId_key"/.test(i.indexdef))).toBe(true);
    // The hand-written migration 20261127070000 makes three Vote indexes partial, which Prisma's
    // schema cannot say (schema.prisma notes it): otherwise the same.
    const partial = migrated.indexes.filter((i) => / WHERE \(/.test(i.indexdef)).map((i) => i.indexdef);
    expect(partial).toEqual([
      `CREATE INDEX "Vote_annotatorId_createdAt_idx" ON public."Vote" USING btree ("annotatorId", "createdAt") WHERE ("annotatorId" IS NOT NULL)`,
      `CREATE UNIQUE INDEX "Vote_assignmentId_key" ON public."Vote" USING btree ("assignmentId") WHERE ("assignmentId" IS NOT NULL)`,
      `CREATE UNIQUE INDEX "Vote_campaignId_importKey_key" ON public."Vote" USING btree ("campaignId", "importKey") WHERE ("importKey" IS NOT NULL)`,
    ]);
    expect(migrated.indexes.map((i) => ({ ...i, indexdef: i.indexdef.replace(/ WHERE \(.*\)$/, "") }))).toEqual(fromSchema.indexes);
    expect(migrated.constraints).toEqual(fromSchema.constraints);
  });

  it("has no schema change waiting for a migration", async () => {
    expect(await pendingSchemaSql(serverUrl)).toBe("");
  });
});
