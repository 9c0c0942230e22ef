import type { TestProject } from "vitest/node";
import { migrate } from "./prisma/migrator";
import { startThrowawayDatabase } from "./scripts/lib/local-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * Integration tests run against a real, migrated PostgreSQL: the one `npm test` prepared, or a
 * throwaway one started here. Never DATABASE_URL itself, which may be someone's real data.
 */
export default async function setup(project: TestProject) {
  const prepared = process.env.HIKAKU_TEST_DATABASE_URL;
  if (prepared) {
    project.provide("databaseUrl", prepared);
    return;
  }
  const database = await startThrowawayDatabase();
  await migrate(database.url);
  project.provide("databaseUrl", database.url);
  return () => database.stop();
}
