import { cpSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDatabase, dropDatabase } from "../scripts/lib/local-postgres";
import { migrate, MIGRATIONS_DIR } from "./migrator";

/** Migrations that move data: a database at the migration before, with rows, then the migration. */
const serverUrl = inject("templateDatabaseUrl");
const created: string[] = [];

afterAll(async () => {
  for (const name of created) await dropDatabase(serverUrl, name);
});

/** A new database migrated up to (not including) the migration whose name ends with `name`. */
async function databaseBefore(name: string): Promise<string> {
  const database = `data_migration_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  created.push(database);
  const url = await createDatabase(serverUrl, database);
  const dir = mkdtempSync(join(tmpdir(), "hikaku-migrations-"));
  for (const entry of readdirSync(MIGRATIONS_DIR)) {
    if (entry.endsWith(name)) break;
    cpSync(join(MIGRATIONS_DIR, entry), join(dir, entry), { recursive: true });
  }
  await migrate(url, { dir });
  return url;
}

async function run<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("benchmark scores become a campaign's", () => {
  it("keeps each stored score with every campaign that has its model, and drops scores no campaign uses", async () => {
    const url = await databaseBefore("_campaign_benchmark_scores");
    await run(
      url,
      `INSERT INTO "Campaign" (id, slug, name, "updatedAt") VALUES
         ('00000000-0000-4000-8000-00000000000a', 'team-a', 'A', now()), ('00000000-0000-4000-8000-00000000000b', 'team-b', 'B', now());
       INSERT INTO "Model" (id, name) VALUES
         ('00000000-0000-4000-8000-0000000000a1', 'shared'), ('00000000-0000-4000-8000-0000000000a2', 'only-b'),
         ('00000000-0000-4000-8000-0000000000a3', 'unused');
       INSERT INTO "Prompt" (id, "campaignId", "externalId", turns) VALUES
         ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-00000000000a', 'q1', '["Q"]');
       INSERT INTO "Output" (id, "promptId", "modelId", turns) VALUES
         (gen_random_uuid(), '00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000a1', '["A"]');
       INSERT INTO "Vote" (id, "campaignId", "modelAId", "modelBId", outcome, winner) VALUES
         (gen_random_uuid(), '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2', 'LEFT', 'MODEL_A');
       INSERT INTO "BenchmarkScore" (id, "modelId", benchmark, score) VALUES
         (gen_random_uuid(), '00000000-0000-4000-8000-0000000000a1', 'MT', 7.5),
         (gen_random_uuid(), '00000000-0000-4000-8000-0000000000a2', 'MT', 6),
         (gen_random_uuid(), '00000000-0000-4000-8000-0000000000a3', 'MT', 1);`,
    );
    await migrate(url);
    const rows = await run<{ slug: string; model: string; score: number }>(
      url,
      `SELECT c.slug, m.name AS model, s.score FROM "BenchmarkScore" s JOIN "Campaign" c ON c.id = s."campaignId" JOIN "Model" m ON m.id = s."modelId"
       ORDER BY c.slug, m.name`,
    );
    expect(rows).toEqual([
      { slug: "team-a", model: "shared", score: 7.5 },
      { slug: "team-b", model: "only-b", score: 6 },
      { slug: "team-b", model: "shared", score: 7.5 },
    ]);
  });
});
