import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { closePool, pool } from "./pool";

function createClient() {
  return new PrismaClient({
    // On the instance's one pool: one set of connections for both ways of reaching the database.
    adapter: new PrismaPg(pool()),
    // Password hashes never leave the database unless a query asks for them explicitly.
    omit: { user: { passwordHash: true } },
  });
}

export type Db = ReturnType<typeof createClient>;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const globalForPrisma = globalThis as unknown as { hikakuPrisma?: Db };

function client(): Db {
  // Created on first use, not at import: `next build` imports this module without a database.
  // Cached on globalThis so dev-server reloads and CLI commands share one client.
  globalForPrisma.hikakuPrisma ??= createClient();
  return globalForPrisma.hikakuPrisma;
}

/** The one Prisma client of the app, for plain reads and writes of the schema's models. */
export const db: Db = new Proxy({} as Db, {
  get(_target, property) {
    const real = client();
    const value = Reflect.get(real, property);
    return typeof value === "function" ? value.bind(real) : value;
  },
});

/** Ends the client and the pool (a CLI command, a test file, the server shutting down). */
export async function disconnectDb(): Promise<void> {
  const open = globalForPrisma.hikakuPrisma;
  globalForPrisma.hikakuPrisma = undefined;
  await open?.$disconnect();
  await closePool();
}
