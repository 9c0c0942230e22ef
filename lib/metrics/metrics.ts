import "server-only";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { pool, sql } from "@/lib/db";
import { openBattles } from "@/lib/lifecycle";

/**
 * The instance's Prometheus metrics (prom-client), served at /metrics when HIKAKU_METRICS_TOKEN is
 * set. Their names are a contract (dashboards and alerts rely on them). Counters count over the
 * process's life; with several instances Prometheus sums them. No label carries a user, an e-mail,
 * a campaign's secret or free text: outcomes, causes, states and route patterns only.
 * Kept on globalThis: the app server (scripts/app-server.mjs), instrumentation and the app's
 * bundles share the process but not module instances, and must count into one registry.
 */

export interface HikakuMetrics {
  registry: Registry;
  votes: Counter<"outcome">;
  voteDuration: Histogram;
  httpRequests: Counter<"route" | "status">;
  httpDuration: Histogram<"route">;
  leaderboardComputations: Counter;
  leaderboardCompute: Histogram;
  leaderboardCacheHits: Counter;
  liveBattlesVoid: Counter<"cause">;
}

const holder = globalThis as unknown as { hikakuMetrics?: HikakuMetrics };

function create(): HikakuMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  new Gauge({
    name: "hikaku_live_battles_open",
    help: "Live battles whose answers this instance is streaming to an annotator now.",
    registers,
    collect() {
      this.set(openBattles().size);
    },
  });
  new Gauge({
    name: "hikaku_worker_jobs",
    help: "Generation jobs of live battles by state, in the whole database (the same in every instance: use max, not sum).",
    labelNames: ["state"] as const,
    registers,
    async collect() {
      const rows = await sql.$queryRaw<{ state: string; jobs: number }[]>`
        SELECT lower(state::text) AS state, count(*)::int AS jobs FROM "GenerationJob" GROUP BY state`;
      this.reset();
      for (const row of rows) this.set({ state: row.state }, row.jobs);
    },
  });
  new Gauge({
    name: "hikaku_db_pool_connections",
    help: "This instance's database pool: connections in use, idle, and requests waiting for one.",
    labelNames: ["state"] as const,
    registers,
    collect() {
      const connections = pool();
      this.set({ state: "active" }, connections.totalCount - connections.idleCount);
      this.set({ state: "idle" }, connections.idleCount);
      this.set({ state: "waiting" }, connections.waitingCount);
    },
  });
  return {
    registry,
    votes: new Counter({
      name: "hikaku_votes_total",
      help: "Votes recorded, by outcome (left, right, tie, both_bad, both_good).",
      labelNames: ["outcome"],
      registers,
    }),
    voteDuration: new Histogram({
      name: "hikaku_vote_duration_seconds",
      help: "Time to record a vote (checks, insert and the next pair's bookkeeping), whatever its result.",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    httpRequests: new Counter({
      name: "hikaku_http_requests_total",
      help: "HTTP requests answered, by route pattern (never the raw URL) and status.",
      labelNames: ["route", "status"],
      registers,
    }),
    httpDuration: new Histogram({
      name: "hikaku_http_request_duration_seconds",
      help: "Time from a request's arrival to the end of its response, by route pattern.",
      labelNames: ["route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    leaderboardComputations: new Counter({
      name: "hikaku_leaderboard_computations_total",
      help: "Leaderboards computed by this instance.",
      registers,
    }),
    leaderboardCompute: new Histogram({
      name: "hikaku_leaderboard_compute_seconds",
      help: "Time to compute and store one leaderboard.",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    leaderboardCacheHits: new Counter({
      name: "hikaku_leaderboard_cache_hits_total",
      help: "Leaderboards served from a stored result that matched the current votes.",
      registers,
    }),
    liveBattlesVoid: new Counter({
      name: "hikaku_live_battles_void_total",
      help: "Live battles voided by this instance, by cause (error, timeout, empty, identity, too_long, cancelled, shutdown, moderation).",
      labelNames: ["cause"],
      registers,
    }),
  };
}

export function metrics(): HikakuMetrics {
  holder.hikakuMetrics ??= create();
  return holder.hikakuMetrics;
}
