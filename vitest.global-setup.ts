import type { TestProject } from "vitest/node";
import { migrate } from "./prisma/migrator";
import { buildCli } from "./scripts/cli.mjs";
import { createDatabase, dropDatabase, startThrowawayDatabase } from "./scripts/lib/local-postgres";
import { startPgBouncer } from "./scripts/lib/pgbouncer";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated database that every test file copies (CREATE DATABASE … TEMPLATE) into its own. */
    templateDatabaseUrl: string;
    /** With HIKAKU_TEST_PGBOUNCER=1: a transaction-pooling PgBouncer in front of the server (its URL). */
    pgbouncerUrl: string | null;
  }
}

/**
 * Integration tests run against a real, migrated PostgreSQL: the server `npm test` prepared, or a
 * throwaway one started here — never DATABASE_URL itself, which may be someone's real data. A
 * template database is migrated once; each test file then gets a copy of its own (vitest.setup.ts),
 * so files running in parallel cannot see each other's rows or sweep each other's state.
 */
export default async function setup(project: TestProject) {
  const prepared = process.env.HIKAKU_TEST_DATABASE_URL;
  const server = prepared ? null : await startThrowawayDatabase();
  const base = prepared ?? server!.url;
  const templateName = `hikaku_template_${process.pid}`;
  const templateUrl = await createDatabase(base, templateName);
  await migrate(templateUrl);
  project.provide("templateDatabaseUrl", templateUrl);
  // Behind a transaction pooler: each test file reaches its database through PgBouncer, and what
  // needs a session directly (DIRECT_DATABASE_URL), as a deployment behind one does.
  const bouncer = process.env.HIKAKU_TEST_PGBOUNCER === "1" ? await startPgBouncer(base) : null;
  project.provide("pgbouncerUrl", bouncer ? bouncer.through(base) : null);
  // The CLI's bundle, made once here so that test files running commands side by side find it fresh.
  await buildCli();
  return async () => {
    await bouncer?.stop();
    await dropDatabase(base, templateName);
    await server?.stop();
  };
}
