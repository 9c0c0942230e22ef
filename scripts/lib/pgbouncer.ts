import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./local-postgres";
import { postgresAccount } from "./postgres-server";

/**
 * Debian's PgBouncer in transaction pooling mode — as Supabase, Neon, RDS Proxy and most hosted
 * PostgreSQL put it in front — started in front of `upstreamUrl`'s server for the tests that
 * prove the app works behind one. Any database name goes through to the same name upstream, with
 * the upstream's credentials. As root it runs as the postgres user (PgBouncer refuses root).
 */

export const PGBOUNCER = "/usr/sbin/pgbouncer";

export interface RunningPgBouncer {
  /** `upstreamUrl` with PgBouncer's host and port: the same database, through the pooler. */
  through(directUrl: string): string;
  stop(): Promise<void>;
}

/** Installs Debian's pgbouncer when it is missing and this is root with apt (as the tests do for chromium). */
export function ensurePgBouncer(log: (line: string) => void = () => {}): void {
  if (existsSync(PGBOUNCER)) return;
  if (process.getuid?.() !== 0) throw new Error(`${PGBOUNCER} is missing: install Debian's pgbouncer (sudo apt-get install -y pgbouncer).`);
  log("installing Debian's pgbouncer for the tests through a transaction pooler…");
  for (const args of [
    ["update", "-qq"],
    ["install", "-y", "-qq", "pgbouncer"],
  ]) {
    const result = spawnSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed (exit ${result.status})`);
  }
}

export async function startPgBouncer(upstreamUrl: string): Promise<RunningPgBouncer> {
  const upstream = new URL(upstreamUrl);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "hikaku-pgbouncer-"));
  chmodSync(dir, 0o777);
  const ini = join(dir, "pgbouncer.ini");
  const value = (text: string) => `'${decodeURIComponent(text).replace(/'/g, "''")}'`;
  writeFileSync(
    ini,
    [
      "[databases]",
      `* = host=${upstream.hostname} port=${upstream.port || 5432} user=${value(upstream.username)} password=${value(upstream.password)}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = any",
      "pool_mode = transaction",
      "max_client_conn = 500",
      "default_pool_size = 40",
      // node-postgres sends no such parameters, but other clients might.
      "ignore_startup_parameters = extra_float_digits,options",
      `logfile = ${join(dir, "pgbouncer.log")}`,
      `pidfile = ${join(dir, "pgbouncer.pid")}`,
    ].join("\n") + "\n",
  );
  chmodSync(ini, 0o644);
  const account = process.getuid?.() === 0 ? postgresAccount() : null;
  const child: ChildProcess = spawn(PGBOUNCER, [ini], { ...(account ?? {}), stdio: "ignore" });
  const started = Date.now();
  for (;;) {
    const client = new pg.Client({
      host: "127.0.0.1",
      port,
      user: "hikaku",
      password: "x",
      database: upstream.pathname.slice(1) || "postgres",
    });
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => {});
      if (child.exitCode !== null || Date.now() - started > 15_000) {
        const logged = existsSync(join(dir, "pgbouncer.log"))
          ? readFileSync(join(dir, "pgbouncer.log"), "utf8").trim().split("\n").slice(-3).join(" ")
          : "";
        child.kill();
        throw new Error(`PgBouncer did not start: ${(error as Error).message} ${logged}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    through: (directUrl) => {
      const url = new URL(directUrl);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGINT");
      }),
  };
}
