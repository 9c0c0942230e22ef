import "server-only";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { sql } from "@/lib/db";
import { shuttingDown } from "@/lib/lifecycle";

/**
 * Whether this instance can serve: the database answers, and its schema is the one this version
 * expects (every migration it ships applied, none it does not know). The reason is for an
 * operator's probe log; it never names a host, a user or a row.
 */
export type Readiness = { ready: true } | { ready: false; reason: string };

/** A probe that waits longer than this has its answer: the database is not answering in time. */
const DATABASE_DEADLINE_MS = 2000;
/** Load balancers probe every few seconds, from every instance: one check a second is plenty. */
const CACHE_MS = 1000;

export interface ReadinessSources {
  /** The migrations this version ships, by name. */
  shipped: () => string[];
  /** The migrations the database has applied, by name. */
  applied: () => Promise<string[]>;
  deadlineMs: number;
}

let shippedNames: string[] | null = null;

/**
 * The migrations in the working directory's prisma/migrations, by name, as prisma/migrator.ts
 * finds them (which the server bundle cannot import: it resolves the folder beside the file).
 */
function shippedMigrations(): string[] {
  const dir = join(process.cwd(), "prisma", "migrations");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
}

const DEFAULT_SOURCES: ReadinessSources = {
  // Read once.
  shipped: () => (shippedNames ??= shippedMigrations()),
  applied: async () =>
    (
      await sql.$queryRaw<{ name: string }[]>`
        SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`
    ).map((row) => row.name),
  deadlineMs: DATABASE_DEADLINE_MS,
};

export async function checkReadiness(sources: ReadinessSources = DEFAULT_SOURCES): Promise<Readiness> {
  let applied: string[];
  try {
    applied = await withDeadline(sources.applied(), sources.deadlineMs);
  } catch (error) {
    return {
      ready: false,
      reason: error instanceof DeadlinePassed ? "the database did not answer in time" : "the database cannot be queried",
    };
  }
  const done = new Set(applied);
  const shipped = sources.shipped();
  const pending = shipped.filter((name) => !done.has(name)).length;
  if (pending) return { ready: false, reason: `${pending} migration(s) not applied yet` };
  const known = new Set(shipped);
  const unknown = applied.filter((name) => !known.has(name)).length;
  if (unknown) return { ready: false, reason: `the database has ${unknown} migration(s) this version does not know` };
  return { ready: true };
}

class DeadlinePassed extends Error {}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlinePassed()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

let recent: { at: number; answer: Promise<Readiness> } | null = null;

/** The readiness of this instance, checked at most once a second however many probes ask; never once it shuts down. */
export function readiness(now = Date.now()): Promise<Readiness> {
  if (shuttingDown()) return Promise.resolve({ ready: false, reason: "shutting down" });
  if (!recent || now - recent.at >= CACHE_MS) recent = { at: now, answer: checkReadiness() };
  return recent.answer;
}
