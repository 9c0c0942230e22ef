import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "./generated/prisma/client";
import { env } from "./env";
import { POOL_SETTINGS } from "./pg";

function createClient() {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: env().DATABASE_URL, ...POOL_SETTINGS }),
    // Password hashes never leave the database unless a query asks for them explicitly.
    omit: { user: { passwordHash: true } },
  });
}

export type Db = ReturnType<typeof createClient>;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * What the vote path needs of a database client: raw statements, written as tagged templates.
 * `db` and a transaction's `tx` are one; lib/pg.ts makes one over the plain pg pool, which
 * bench/floor-server.ts uses to run the same statements without the Prisma client.
 */
export interface RawSql {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
}

const globalForPrisma = globalThis as unknown as { hikakuPrisma?: Db };

function client(): Db {
  // Created on first use, not at import: `next build` imports this module without a database.
  // Cached on globalThis so dev-server reloads and CLI commands share one pool.
  globalForPrisma.hikakuPrisma ??= createClient();
  return globalForPrisma.hikakuPrisma;
}

/** The one Prisma client of the app. */
export const db: Db = new Proxy({} as Db, {
  get(_target, property) {
    const real = client();
    const value = Reflect.get(real, property);
    return typeof value === "function" ? value.bind(real) : value;
  },
});

export async function disconnectDb(): Promise<void> {
  await globalForPrisma.hikakuPrisma?.$disconnect();
  globalForPrisma.hikakuPrisma = undefined;
}
