import "server-only";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { log } from "@/lib/log";
import { metrics } from "./metrics";

/**
 * A request's route pattern for the HTTP metrics (`/campaigns/[slug]/leaderboard`, never the raw
 * URL: ids and slugs would make a series per campaign), from the routes Next's build lists in
 * `.next/routes-manifest.json`. Next's own files are one route; anything else is "other".
 */

interface RoutesManifest {
  staticRoutes: { page: string }[];
  dynamicRoutes: { page: string; regex: string }[];
}

export type RouteOf = (url: string) => string;

export function routeMatcher(manifest: RoutesManifest): RouteOf {
  const exact = new Set(manifest.staticRoutes.map((route) => route.page));
  const dynamic = manifest.dynamicRoutes.map((route) => ({ page: route.page, regex: new RegExp(route.regex) }));
  return (url) => {
    const path = url.split("?")[0];
    if (path.startsWith("/_next/")) return "/_next";
    const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
    if (exact.has(trimmed)) return trimmed;
    return dynamic.find((route) => route.regex.test(trimmed))?.page ?? "other";
  };
}

let matcher: RouteOf | null = null;

function routeOf(url: string): string {
  if (!matcher) {
    try {
      matcher = routeMatcher(JSON.parse(readFileSync(join(process.cwd(), ".next", "routes-manifest.json"), "utf8")) as RoutesManifest);
    } catch {
      matcher = () => "other";
    }
  }
  return matcher(url);
}

/** Probes, scrapes and Next's own files are logged at debug level only: a line each would drown the rest. */
const QUIET_PATHS = new Set(["/api/health", "/api/ready", "/metrics"]);
const quiet = (url: string) => {
  const path = url.split("?")[0].replace(/(.)\/+$/, "$1");
  return QUIET_PATHS.has(path) || path.startsWith("/_next/");
};

/**
 * Counts one answered request and logs it (scripts/app-server.mjs calls this when a response
 * ends, inside the request's context: the line carries its id and user). Never the URL's query.
 */
export function observeRequest(url: string, method: string, status: number, seconds: number): void {
  const route = routeOf(url);
  const { httpRequests, httpDuration } = metrics();
  httpRequests.inc({ route, status: String(status) });
  httpDuration.observe({ route }, seconds);
  const line = { method, route, status, durationMs: Math.round(seconds * 10_000) / 10 };
  if (quiet(url)) log().debug(line, "request");
  else log().info(line, "request");
}
