import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./local-postgres";
import { packagedBinariesDir } from "./postgres-server";

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

// As root, PostgreSQL runs as the postgres user, who cannot enter a mode-700 folder: the case of a
// clone in root's home directory or inside `mktemp -d`. (As any other user the server runs as that user.)
describe.runIf(process.getuid?.() === 0)("the embedded PostgreSQL, started by root from a private folder", () => {
  const privateDir = mkdtempSync(join(tmpdir(), "hikaku-private-"));
  // Where the copies the postgres user can reach go (instead of /var/lib/hikaku), world-readable like it.
  const shared = mkdtempSync(join(tmpdir(), "hikaku-shared-"));
  chmodSync(shared, 0o755);
  process.env.HIKAKU_SHARED_POSTGRES_DIR = join(shared, "postgres");
  afterAll(() => {
    delete process.env.HIKAKU_SHARED_POSTGRES_DIR;
    rmSync(privateDir, { recursive: true, force: true });
    rmSync(shared, { recursive: true, force: true });
  });

  it("runs with its binaries and data folder where the postgres user cannot reach them, and keeps the data", async () => {
    expect(statSync(privateDir).mode & 0o777).toBe(0o700);
    // The clone's node_modules, inside the private folder.
    const binariesDir = join(privateDir, "native");
    cpSync(packagedBinariesDir(), binariesDir, { recursive: true, verbatimSymlinks: true });
    const dataDir = join(privateDir, ".hikaku");

    const first = await startEmbeddedPostgres({ dataDir, database: "hikaku", persistent: true, binariesDir });
    try {
      expect(first.clusterDir.startsWith(shared)).toBe(true);
      expect(readFileSync(join(dataDir, "pg-location"), "utf8").trim()).toBe(first.clusterDir);
      await query(first.url, "CREATE TABLE kept (word text); INSERT INTO kept VALUES ('比較')");
    } finally {
      await first.stop();
    }

    const again = await startEmbeddedPostgres({ dataDir, database: "hikaku", persistent: true, binariesDir });
    try {
      expect(again.clusterDir).toBe(first.clusterDir);
      expect(await query(again.url, "SELECT word FROM kept")).toEqual([{ word: "比較" }]);
    } finally {
      await again.stop();
    }
  });

  it("removes a throwaway cluster it had to move", async () => {
    const dataDir = join(privateDir, "throwaway");
    const db = await startEmbeddedPostgres({ dataDir, database: "scratch", persistent: false });
    expect(await query(db.url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    await db.stop();
    expect(existsSync(db.clusterDir)).toBe(false);
  });
});
