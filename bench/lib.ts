import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
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
      NEXTAUTH_SECRET: "bench-secret-bench-secret",
      NEXTAUTH_URL: base,
      // Load generators are not people: the per-person vote rate limit would be the only thing measured.
      HIKAKU_MAX_VOTES_PER_MINUTE: "1000000",
      ...options.env,
    },
    stdio: "ignore",
    detached: true,
  });
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

/** Resident memory of every process in a process group, in MB (Linux /proc). */
export function groupRssMb(groupId: number): number {
  let kb = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== groupId) continue;
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, "utf8"));
      if (match) kb += Number(match[1]);
    } catch {
      // The process ended while we looked.
    }
  }
  return kb / 1024;
}
