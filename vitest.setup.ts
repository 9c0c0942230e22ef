import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { createDatabase, dropDatabase } from "./scripts/lib/local-postgres";

/** This test file's own database: a copy of the migrated template (see vitest.global-setup.ts). */
const template = new URL(inject("templateDatabaseUrl"));
const templateName = template.pathname.slice(1);
// CREATE DATABASE … TEMPLATE needs a connection to another database than the template.
const server = new URL(template);
server.pathname = "/postgres";
const name = `hikaku_file_${randomBytes(6).toString("hex")}`;
process.env.DATABASE_URL = await createDatabase(server.toString(), name, { template: templateName });
const bouncer = inject("pgbouncerUrl");
if (bouncer) {
  process.env.DIRECT_DATABASE_URL = process.env.DATABASE_URL;
  const through = new URL(process.env.DATABASE_URL);
  through.host = new URL(bouncer).host;
  process.env.DATABASE_URL = through.toString();
}
// Test fixtures vote as fast as the machine goes; the rate limit has its own test at this setting.
process.env.HIKAKU_MAX_VOTES_PER_MINUTE ??= "1000";
process.env.HIKAKU_ENCRYPTION_KEY ??= "hikaku-test-encryption-key-not-for-production";
// The tests' model servers listen on loopback, which model endpoints may only reach when allowed
// (lib/net); the refusal itself is tested with other addresses and with this rule taken away.
process.env.HIKAKU_ALLOWED_MODEL_HOSTS ??= "127.0.0.1";

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
  await dropDatabase(server.toString(), name);
});
