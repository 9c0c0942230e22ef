import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import pg from "pg";

/** This test file's own database: a copy of the migrated template (see vitest.global-setup.ts). */
const template = new URL(inject("templateDatabaseUrl"));
const templateName = template.pathname.slice(1);
const name = `hikaku_file_${randomBytes(6).toString("hex")}`;
const admin = new pg.Client({ connectionString: template.toString().replace(`/${templateName}`, "/postgres") });
await admin.connect();
try {
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
} finally {
  await admin.end();
}
const own = new URL(template);
own.pathname = `/${name}`;
process.env.DATABASE_URL = own.toString();
process.env.NEXTAUTH_SECRET ??= "hikaku-test-secret-not-for-production";
// Test fixtures vote as fast as the machine goes; the rate limit has its own test at this setting.
process.env.HIKAKU_MAX_VOTES_PER_MINUTE ??= "1000";

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  const { closePool } = await import("@/lib/pg");
  await disconnectDb();
  await closePool();
  const client = new pg.Client({ connectionString: template.toString().replace(`/${templateName}`, "/postgres") });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
});
