import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { migrate } from "../../prisma/migrator";
import { isAlive, startEmbeddedPostgres, type RunningDatabase } from "./local-postgres";

/** The git-ignored folder for local state: embedded database, generated secret. */
export const DATA_DIR = resolve(process.env.HIKAKU_DATA_DIR ?? ".hikaku");
const RUNNING_FILE = join(DATA_DIR, "running.json");

/** Announces the embedded database of a running `npm start`, so CLI commands can share it. */
export function publishRunningDatabase(url: string): () => void {
  writeFileSync(RUNNING_FILE, JSON.stringify({ url, pid: process.pid }), { mode: 0o600 });
  return () => rmSync(RUNNING_FILE, { force: true });
}

function runningAppDatabase(): string | null {
  if (!existsSync(RUNNING_FILE)) return null;
  const { url, pid } = JSON.parse(readFileSync(RUNNING_FILE, "utf8")) as { url: string; pid: number };
  return isAlive(pid) ? url : null;
}

/**
 * The app's database, migrated (unless `migrated: false`): DATABASE_URL when set, else the
 * embedded one of a running `npm start`, else the embedded one started here (stopped again by `stop`).
 */
export async function openAppDatabase(
  log: (line: string) => void = () => {},
  { migrated = true }: { migrated?: boolean } = {},
): Promise<RunningDatabase & { embedded: boolean; clusterDir?: string }> {
  const configured = process.env.DATABASE_URL || runningAppDatabase();
  const database: RunningDatabase & { clusterDir?: string } = configured
    ? { url: configured, stop: async () => {} }
    : await startEmbeddedPostgres({ dataDir: DATA_DIR, database: "hikaku", persistent: true });
  try {
    // Migrations hold a session-level lock: behind a transaction pooler they go straight to the server.
    if (migrated) await migrate((configured && process.env.DIRECT_DATABASE_URL) || database.url, { log });
  } catch (error) {
    await database.stop();
    throw error;
  }
  return { ...database, embedded: !configured };
}

/**
 * A secret kept in DATA_DIR for local use when the environment does not set it (never in
 * production): `npm start` and the CLI read the same file, so a key the CLI stored is one the app
 * can read.
 */
export function localSecret(variable: string, file: string): string {
  const set = process.env[variable];
  if (set) return set;
  if (process.env.NODE_ENV === "production")
    throw new Error(`${variable} must be set in production (for example \`openssl rand -base64 32\`).`);
  const path = join(DATA_DIR, file);
  if (!existsSync(path)) {
    mkdirSync(DATA_DIR, { recursive: true });
    writeFileSync(path, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return readFileSync(path, "utf8").trim();
}
