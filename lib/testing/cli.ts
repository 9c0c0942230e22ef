import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The CLI as `npm run hikaku -- …` runs it (scripts/cli.mjs: the bundle vitest.global-setup.ts
 * made), in a process of its own against the test file's database (its environment, plus `env`).
 */
export function runHikaku(args: string[], env: Record<string, string | undefined> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["--conditions=react-server", "scripts/cli.mjs", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
}

/**
 * The same, without blocking this process: for a command that calls back into something this
 * process serves (a test's model endpoint), which runHikaku's synchronous wait would starve.
 */
export function startHikaku(args: string[], env: Record<string, string | undefined> = {}) {
  const child = spawn(process.execPath, ["--conditions=react-server", "scripts/cli.mjs", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("close", (status) => resolve({ status, stdout, stderr })),
  );
  return { child, done };
}
