import { chmodSync, createReadStream, createWriteStream, existsSync } from "node:fs";
import { once } from "node:events";
import { backupDatabase, restoreDatabase, RestoreRefused } from "@/lib/backup/backup";
import { migrate } from "../../prisma/migrator";
import { openAppDatabase } from "../lib/app-database";
import { parseArgs, required, UsageError } from "../lib/cli-args";
import { USAGES } from "./usages";

export const backupUsage = USAGES["backup"];
export const restoreUsage = USAGES["restore"];

/** Writes the app's database to FILE; the rows per table go to stderr. */
export async function backupCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs(argv, { options: ["out"] });
  const path = required(values, "out");
  // A backup holds password hashes and encrypted API keys: only its owner may read it, also when
  // it replaces a file that others could read.
  const out = createWriteStream(path, { mode: 0o600 });
  await once(out, "open");
  chmodSync(path, 0o600);
  // One long snapshot on a session of its own: past a transaction pooler, straight to the server.
  const counts = await backupDatabase(process.env.DIRECT_DATABASE_URL || process.env.DATABASE_URL!, out);
  out.end();
  await once(out, "finish");
  const rows = Object.values(counts).reduce((a, b) => a + b, 0);
  console.error(`backed up ${rows} rows of ${Object.keys(counts).length} tables to ${path}`);
}

/** Restores FILE into the app's database, which must be empty; opens it itself, since opening migrates. */
export async function restoreCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs(argv, { options: ["file"] });
  const file = required(values, "file");
  if (!existsSync(file)) throw new UsageError(`${file} does not exist.`);
  const database = await openAppDatabase((line) => console.error(line), { migrated: false });
  const direct = (!database.embedded && process.env.DIRECT_DATABASE_URL) || database.url;
  try {
    const counts = await restoreDatabase(direct, createReadStream(file));
    const { applied } = await migrate(direct, { log: (line) => console.error(line) });
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({ restored: counts, rows, migrationsApplied: applied }));
  } catch (error) {
    if (error instanceof RestoreRefused) throw new UsageError(error.message);
    throw error;
  } finally {
    await database.stop();
  }
}
