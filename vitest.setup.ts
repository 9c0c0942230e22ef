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

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
  await dropDatabase(server.toString(), name);
});
