import { defineConfig } from "prisma/config";

// Prisma 7 keeps the connection URL here, not in the schema. The CLI commands that need it
// (`prisma migrate status/deploy`, where the native engine can be downloaded) read DATABASE_URL.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
