import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readdirSync, readFileSync } from "node:fs";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { migrate } from "../prisma/migrator";
import { freePort, startThrowawayDatabase, type RunningDatabase } from "../scripts/lib/local-postgres";

/** A fresh migrated PostgreSQL for one benchmark run (embedded, or a new database on DATABASE_URL's server). */
export async function benchDatabase(): Promise<RunningDatabase> {
  const database = await startThrowawayDatabase();
  await migrate(database.url);
  process.env.DATABASE_URL = database.url;
  return database;
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))];
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;

/** `prompts` prompts × `models` models as import rows (one JSONL line per output, ~300 characters each). */
export function generateRows(prompts: number, models: number): string {
  const lines: string[] = [];
  for (let p = 0; p < prompts; p++) {
    const prompt = `ベンチマーク用の質問 ${p}: 次の文章を要約してください。The quick brown fox jumps over the lazy dog, number ${p}.`;
    for (let m = 0; m < models; m++) {
      const output = `モデル ${m} の回答 ${p}。${"これは性能測定のための文章です。".repeat(4)} Answer ${p}/${m} with some **Markdown** and \`code\`.`;
      lines.push(JSON.stringify({ prompt_id: `bench-${p}`, prompt, category: `cat-${p % 8}`, model: `bench-model-${m}`, output }));
    }
  }
  return lines.join("\n") + "\n";
}

/** A browser-like HTTP client: keeps next-auth's cookies and signs in through the credentials form. */
export class Session {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  /** The same signed-in browser, talking to another app instance (as a load balancer would send it). */
  on(base: string): Session {
    const moved = new Session(base);
    moved.cookies = new Map(this.cookies);
    return moved;
  }
  private remember(response: Response) {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, ...value] = pair.split("=");
      this.cookies.set(name.trim(), value.join("="));
    }
  }
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(`${this.base}${path}`, { ...init, headers, redirect: "manual" });
    this.remember(response);
    return response;
  }
  async signIn(email: string, password: string): Promise<void> {
    const { csrfToken } = (await (await this.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    const body = new URLSearchParams({ csrfToken, email, password, json: "true" });
    await this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    if (![...this.cookies.keys()].some((name) => name.includes("session-token"))) throw new Error(`sign-in failed for ${email}`);
  }
}

export async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error("the app server did not come up");
}

export interface AppServer {
  base: string;
  /** The process group of the app server. */
  pid: number;
  stop(): void;
}

/** The production server (scripts/app-server.mjs, as `npm start` runs it) on a free port, in its own process group. */
/** The session secret of every server a benchmark starts: the floor reads the app's cookies. */
const BENCH_SECRET = "bench-secret-bench-secret";

export async function startAppServer(
  databaseUrl: string,
  options: { nodeArgs?: string[]; env?: Record<string, string> } = {},
): Promise<AppServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "scripts/app-server.mjs"], {
    env: {
      ...process.env,
      HOSTNAME: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: BENCH_SECRET,
      NEXTAUTH_URL: base,
      // Load generators are not people: the per-person vote rate limit would be the only thing measured.
      HIKAKU_MAX_VOTES_PER_MINUTE: "1000000",
      // As `npm start` and the Docker image run it.
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
      ...options.env,
    },
    // BENCH_SERVER_LOG=file keeps the server's output (e.g. with BENCH_SERVER_NODE_ARGS=--trace-gc).
    stdio: process.env.BENCH_SERVER_LOG ? ["ignore", openSync(process.env.BENCH_SERVER_LOG, "a"), "inherit"] : "ignore",
    detached: true,
  });
  return detachedServer(child, base);
}

/** bench/floor-server.ts as its own process group, like the app server, with the app's environment plus `env`. */
export async function startFloor(databaseUrl: string, env: Record<string, string | undefined> = {}): Promise<AppServer> {
  const port = await freePort();
  const child = spawn("node_modules/.bin/tsx", ["--conditions=react-server", "bench/floor-server.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: BENCH_SECRET,
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  return detachedServer(child, `http://127.0.0.1:${port}`);
}

/** Waits until the floor server answers (404 for a GET: it serves only POSTs). */
export async function waitForFloor(base: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      await fetch(`${base}/`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error("the floor server did not start");
}

/** A server started `detached` (its own process group), stopped with its children. */
export function detachedServer(child: ChildProcess, base: string): AppServer {
  return {
    base,
    pid: child.pid!,
    stop() {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
    },
  };
}

/** "pid (comm) state ppid pgrp …": the fields after the command name, of every process (Linux /proc). */
function processStats(): { pid: number; fields: string[] }[] {
  const stats: { pid: number; fields: string[] }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      stats.push({ pid: Number(entry), fields: stat.slice(stat.lastIndexOf(")") + 2).split(" ") });
    } catch {
      // The process ended while we looked.
    }
  }
  return stats;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
/** CPU seconds of a process: its own user + system time, and that of children it has waited for. */
const cpuSecondsOf = (fields: string[]) =>
  (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;

/** CPU seconds used so far by every process of a process group (an app server and its children). */
export function groupCpuSeconds(groupId: number): number {
  return processStats()
    .filter(({ fields }) => Number(fields[2]) === groupId)
    .reduce((sum, { fields }) => sum + cpuSecondsOf(fields), 0);
}

/** CPU seconds used so far by a PostgreSQL server: the postmaster (with its ended children) and its live processes. */
export function serverCpuSeconds(postmasterPid: number): number {
  return processStats()
    .filter(({ pid, fields }) => pid === postmasterPid || Number(fields[1]) === postmasterPid)
    .reduce((sum, { fields }) => sum + cpuSecondsOf(fields), 0);
}

/** The postmaster of the (local) PostgreSQL server behind `client`: the parent of its backend. */
export async function postmasterPid(client: { $queryRaw<T>(query: TemplateStringsArray): Promise<T> }): Promise<number | null> {
  const [{ pid }] = await client.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  const parent = processStats().find((stat) => stat.pid === pid)?.fields[1];
  return parent ? Number(parent) : null;
}

/** The whole machine's CPU time so far, busy and in all, in clock ticks (the "cpu" line of /proc/stat). */
export function machineCpuTicks(): { busy: number; total: number } {
  const ticks = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are the machine waiting.
  const total = ticks.reduce((sum, t) => sum + t, 0);
  return { busy: total - ticks[3] - ticks[4], total };
}

/** Resident memory of every process in a process group, in MB (Linux /proc). */
export function groupRssMb(groupId: number): number {
  let kb = 0;
  for (const { pid, fields } of processStats()) {
    if (Number(fields[2]) !== groupId) continue;
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (match) kb += Number(match[1]);
    } catch {
      // The process ended while we looked.
    }
  }
  return kb / 1024;
}

const ASSIGNMENT_TOKEN = /\\?"id\\?":\\?"([A-Za-z0-9_-]{43})\\?"/;

/** A simulated annotator: a signed-in session and the pair it is looking at. */
export interface Voter {
  email: string;
  session: Session;
  assignment: string;
}

/** `count` annotators of the campaign, created in the database with one shared password. */
export async function createVoters(campaignId: string, count: number, password: string): Promise<string[]> {
  const passwordHash = await hashPassword(password);
  const emails = Array.from({ length: count }, (_, i) => `voter-${i}@bench.example`);
  for (const email of emails) {
    const user = await db.user.create({ data: { email, displayName: email, passwordHash, role: "ANNOTATOR" } });
    await db.campaignMember.create({ data: { campaignId, userId: user.id } });
  }
  return emails;
}

/** Opens the voting page as `session` and returns the pair shown (the open one after a reload), or null when none. */
export async function currentAssignment(session: Session, slug: string): Promise<string | null> {
  const page = await (await session.fetch(`/vote/${slug}`)).text();
  return ASSIGNMENT_TOKEN.exec(page)?.[1] ?? null;
}

/** Signs every annotator in through the credentials form on the app server given for them. */
export async function signInVoters(emails: string[], password: string, slug: string, baseFor: (index: number) => string): Promise<Voter[]> {
  return Promise.all(
    emails.map(async (email, index) => {
      const session = new Session(baseFor(index));
      await session.signIn(email, password);
      const assignment = await currentAssignment(session, slug);
      if (!assignment) throw new Error("no assignment on the voting page");
      return { email, session, assignment };
    }),
  );
}

/**
 * Posts a vote on the voter's pair as the voting page does (POST /api/v1/votes). Returns the next
 * pair when the vote was acknowledged (undefined when none is left), or null when it was not.
 */
export async function castVote(voter: Voter, session: Session = voter.session): Promise<{ next: string | undefined } | null> {
  const response = await session.fetch("/api/v1/votes", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ assignmentId: voter.assignment, outcome: "LEFT", durationMs: 1500 }),
  });
  const text = await response.text();
  if (response.status !== 200) return null;
  return { next: ASSIGNMENT_TOKEN.exec(text.slice(text.indexOf('"next"')))?.[1] };
}
