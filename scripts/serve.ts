import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { databaseIsEmpty, describeDemo, seedDemo } from "@/lib/demo/seed";
import { db, disconnectDb } from "@/lib/db";
import { localSecret, openAppDatabase, publishRunningDatabase } from "./lib/app-database";

/**
 * `npm start`: database (embedded unless DATABASE_URL is set), migrations, a NEXTAUTH_SECRET,
 * a production build when the sources changed, then the app server (scripts/app-server.mjs). Ctrl-C stops everything.
 */

const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOSTNAME ?? "127.0.0.1";
const SOURCES = [
  "app",
  "components",
  "lib",
  "public",
  "next.config.ts",
  "proxy.ts",
  "instrumentation.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
];

function log(line: string): void {
  console.log(`[hikaku] ${line}`);
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stat.mtimeMs);
}

function buildIsCurrent(): boolean {
  const buildId = join(".next", "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  return SOURCES.every((source) => newestMtime(source) <= built);
}

const NEXT_BIN = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));
const APP_SERVER = fileURLToPath(new URL("./app-server.mjs", import.meta.url));

/** Runs `next …` in its own process group, so stopping it also stops anything it started. */
function runNext(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [NEXT_BIN, ...args], { stdio: "inherit", env, detached: true });
}

function stopGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGTERM");
  } catch {
    child.kill("SIGTERM");
  }
}

function waitFor(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

async function main(): Promise<number> {
  const secret = localSecret("NEXTAUTH_SECRET", "nextauth-secret");
  const encryptionKey = localSecret("HIKAKU_ENCRYPTION_KEY", "encryption-key");
  const database = await openAppDatabase(log);
  const unpublish = database.embedded ? publishRunningDatabase(database.url) : () => {};
  log(database.embedded ? `embedded PostgreSQL running, data in ${database.clusterDir}` : "using the PostgreSQL server from DATABASE_URL");

  let child: ChildProcess | null = null;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (child && child.exitCode === null) {
      stopGroup(child);
      await waitFor(child);
    }
    unpublish();
    await database.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  // A first start on an empty database gets the demo campaign, unless HIKAKU_DEMO=0.
  process.env.DATABASE_URL = database.url;
  if (process.env.HIKAKU_DEMO !== "0" && (await databaseIsEmpty())) log(describeDemo(await seedDemo()));
  const hasAdmin = (await db.user.count({ where: { role: "ADMIN", disabled: false } })) > 0;
  await disconnectDb();

  const url = `http://${HOST === "0.0.0.0" ? "localhost" : HOST}:${PORT}`;
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET: secret,
    HIKAKU_ENCRYPTION_KEY: encryptionKey,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? url,
  };

  if (!buildIsCurrent()) {
    log("building the app (next build)…");
    child = runNext(["build"], env);
    const code = await waitFor(child);
    if (code !== 0 || stopping) return shutdown(code || 1).then(() => code);
  }

  // Two malloc arenas instead of one per thread: worker threads (bootstrap, Parquet) otherwise each
  // keep tens of MB of freed memory resident (measured: a Parquet export peaked at 318 MB, 270 MB with this).
  const serverEnv = { ...env, HOSTNAME: HOST, PORT: String(PORT), MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2" };
  child = spawn(process.execPath, [APP_SERVER], { stdio: "inherit", env: serverEnv, detached: true });
  log(`Hikaku is at ${url}`);
  if (!hasAdmin) {
    log("no admin yet: create one with  npm run hikaku -- create-admin --email you@example.com");
  }
  const code = await waitFor(child);
  await shutdown(code);
  return code;
}

main().catch(async (error: unknown) => {
  console.error(`[hikaku] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
