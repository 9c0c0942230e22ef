import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResultsCampaign } from "@/lib/testing/results-campaign";
import { createDatabase, dropDatabase } from "../../scripts/lib/local-postgres";
import { backupDatabase, restoreDatabase, RestoreRefused } from "./backup";
import { runHikaku } from "@/lib/testing/cli";

const dir = mkdtempSync(join(tmpdir(), "hikaku-backup-"));
const created: string[] = [];
/** A file a tampered backup would create if its shell command ran. */
const MARK = join(dir, "pwned");

async function emptyDatabase(): Promise<string> {
  const name = `hikaku_restore_${Date.now()}_${created.length}`;
  created.push(name);
  return createDatabase(process.env.DATABASE_URL!, name);
}

/** Every table's rows, as one fingerprint per table (content and count). */
async function fingerprint(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      const { rows } = await client.query(
        `SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${name}" t`,
      );
      out[name] = `${rows[0].n}:${rows[0].h}`;
    }
    return out;
  } finally {
    await client.end();
  }
}

async function backupTo(path: string) {
  const out = createWriteStream(path);
  const counts = await backupDatabase(process.env.DATABASE_URL!, out);
  out.end();
  await once(out, "finish");
  return counts;
}

describe("backup and restore", () => {
  const file = join(dir, "backup.sql");
  beforeAll(async () => {
    await createResultsCampaign();
    await backupTo(file);
  }, 120_000);
  afterAll(async () => {
    for (const name of created) await dropDatabase(process.env.DATABASE_URL!, name);
  });

  it("restore every row of every table into an empty database, sequences included", async () => {
    const target = await emptyDatabase();
    const counts = await restoreDatabase(target, createReadStream(file));
    expect(counts.Vote).toBeGreaterThan(50);
    expect(await fingerprint(target)).toEqual(await fingerprint(process.env.DATABASE_URL!));
    // New rows continue after the restored ones.
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    const { rows } = await client.query(`SELECT nextval(pg_get_serial_sequence('"Vote"', 'seq')) > (SELECT max(seq) FROM "Vote") AS after`);
    await client.end();
    expect(rows[0].after).toBe(true);
  });

  it("refuse a database that is not empty, and a file cut short, leaving the target as it was", async () => {
    await expect(restoreDatabase(process.env.DATABASE_URL!, createReadStream(file))).rejects.toBeInstanceOf(RestoreRefused);
    const text = readFileSync(file, "utf8");
    const cut = join(dir, "cut.sql");
    writeFileSync(cut, text.slice(0, Math.floor(text.length * 0.8)));
    const target = await emptyDatabase();
    await expect(restoreDatabase(target, createReadStream(cut))).rejects.toBeInstanceOf(RestoreRefused);
    expect(Object.keys(await fingerprint(target))).toEqual([]);
  });

  it.each([
    [
      "a shell command run by COPY … FROM PROGRAM",
      (text: string) => text.replace("COMMIT;\n", `COPY "User" ("id") FROM PROGRAM 'touch ${MARK}';\nCOMMIT;\n`),
    ],
    ["a statement of its own", (text: string) => text.replace("BEGIN;\n", `BEGIN;\nCREATE TABLE pwned (x int);\n`)],
    ["a changed migration", (text: string) => text.replace(/-- migration (\S+)\n/, (line) => `${line}DROP TABLE IF EXISTS "User";\n`)],
    [
      "rows for a table the schema does not have",
      (text: string) => text.replace("COMMIT;\n", `COPY "pg_authid" ("rolname") FROM stdin;\nx\n\\.\nCOMMIT;\n`),
    ],
    [
      "a sequence call that is not the backup's own",
      (text: string) => text.replace("COMMIT;\n", `SELECT setval('x', 1); SELECT pg_sleep(10);\nCOMMIT;\n`),
    ],
    ["text after COMMIT", (text: string) => `${text}DROP TABLE "Vote";\n`],
  ])("refuse a tampered backup with %s: nothing runs, nothing is restored", async (_, tamper) => {
    const tampered = join(dir, `tampered-${Date.now()}.sql`);
    writeFileSync(tampered, tamper(readFileSync(file, "utf8")));
    const target = await emptyDatabase();
    await expect(restoreDatabase(target, createReadStream(tampered))).rejects.toThrow(/^Line \d+ is not part of a Hikaku backup/);
    expect(Object.keys(await fingerprint(target))).toEqual([]);
    expect(existsSync(MARK)).toBe(false);
  });

  it("work from the command line: backup --out, then restore --file into a new database", () => {
    const cliFile = join(dir, "cli.sql");
    const run = (args: string[], databaseUrl: string) => runHikaku([...args], { DATABASE_URL: databaseUrl });
    // An existing file that anyone could read is replaced by one only its owner can.
    writeFileSync(cliFile, "old", { mode: 0o644 });
    const backup = run(["backup", "--out", cliFile], process.env.DATABASE_URL!);
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stderr).toMatch(/backed up \d+ rows/);
    expect(statSync(cliFile).mode & 0o777).toBe(0o600);
    return emptyDatabase().then(async (target) => {
      const restore = run(["restore", "--file", cliFile], target);
      expect(restore.status, restore.stderr).toBe(0);
      expect(JSON.parse(restore.stdout)).toMatchObject({ migrationsApplied: [] });
      expect(await fingerprint(target)).toEqual(await fingerprint(process.env.DATABASE_URL!));
      const again = run(["restore", "--file", cliFile], target);
      expect(again.status).toBe(2);
      expect(again.stderr).toMatch(/not empty/);
    });
  });
});
