import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The CLI as `npm run hikaku -- …` runs it, in a process of its own against the test file's
 * database (its environment, plus `env`): node with tsx's loader, started directly rather than
 * through npx, which cost half a second per command.
 */
export function runHikaku(args: string[], env: Record<string, string | undefined> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/hikaku.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
}
