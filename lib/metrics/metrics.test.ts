import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // Read once with the rest of the environment, before anything else reads it.
  process.env.HIKAKU_METRICS_TOKEN = "metrics-token-for-the-tests";
});

import { db } from "@/lib/db";
import { DEFAULT_FILTERS } from "@/lib/results/filters";
import { getLeaderboard } from "@/lib/results/leaderboard";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { createTestUser, createVotingCampaign } from "@/lib/testing/factories";
import { recordVote } from "@/lib/votes/record-vote";
import { metricsResponse } from "./endpoint";
import { observeRequest, routeMatcher } from "./routes";

const scrape = async (authorization?: string) =>
  metricsResponse(new Request("http://hikaku.test/metrics", { headers: authorization ? { authorization } : {} }));

/** A sample's value in the exposition text (0 when the series is not there yet). */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe("Prometheus metrics", () => {
  it("are refused without the token and served with it, in the text format, with every named metric", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("Bearer wrong-token-of-some-length")).status).toBe(401);
    expect((await scrape("metrics-token-for-the-tests")).status).toBe(401);
    const response = await scrape("Bearer metrics-token-for-the-tests");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const name of [
      "hikaku_votes_total",
      "hikaku_vote_duration_seconds",
      "hikaku_http_requests_total",
      "hikaku_http_request_duration_seconds",
      "hikaku_leaderboard_computations_total",
      "hikaku_leaderboard_compute_seconds",
      "hikaku_leaderboard_cache_hits_total",
      "hikaku_live_battles_open",
      "hikaku_live_battles_void_total",
      "hikaku_worker_jobs",
      "hikaku_db_pool_connections",
      // One of the default process metrics.
      "process_cpu_user_seconds_total",
    ])
      expect(text).toContain(`# TYPE ${name} `);
    expect(sample(text, "hikaku_live_battles_open")).toBe(0);
  });

  it("count votes by outcome, their duration, and leaderboards computed and served from the cache", async () => {
    const before = await (await scrape("Bearer metrics-token-for-the-tests")).text();
    const annotator = await createTestUser({ role: "ANNOTATOR" });
    const { campaign } = await createVotingCampaign({ prompts: 2, models: 2, annotators: [annotator.id] });
    const next = await nextAssignmentFor(annotator.id, campaign.id);
    if (next.status !== "assigned") throw new Error("no pair");
    await recordVote(annotator.id, { assignmentId: next.assignment.id, outcome: "BOTH_BAD", durationMs: 3000 });
    // A replay is not a second vote.
    await recordVote(annotator.id, { assignmentId: next.assignment.id, outcome: "BOTH_BAD", durationMs: 3000 });
    await getLeaderboard(campaign.id, DEFAULT_FILTERS, { waitMs: 30_000 });
    await getLeaderboard(campaign.id, DEFAULT_FILTERS, { waitMs: 30_000 });
    const after = await (await scrape("Bearer metrics-token-for-the-tests")).text();
    const grew = (series: string) => sample(after, series) - sample(before, series);
    expect(grew('hikaku_votes_total{outcome="both_bad"}')).toBe(1);
    expect(grew("hikaku_vote_duration_seconds_count")).toBe(2);
    expect(grew("hikaku_leaderboard_computations_total")).toBe(1);
    expect(grew("hikaku_leaderboard_compute_seconds_count")).toBe(1);
    expect(grew("hikaku_leaderboard_cache_hits_total")).toBe(1);
    expect(sample(after, 'hikaku_db_pool_connections{state="idle"}')).toBeGreaterThan(0);
    expect(await db.vote.count({ where: { campaignId: campaign.id } })).toBe(1);
    // Nothing about the campaign, the annotator or the prompts is in any label.
    expect(after).not.toContain(campaign.slug);
    expect(after).not.toContain(annotator.id);
    expect(after).not.toContain(annotator.email);
    expect(after).not.toContain(annotator.email.split("@")[0]);
    const prompts = await db.prompt.findMany({ where: { campaignId: campaign.id }, select: { turns: true } });
    for (const prompt of prompts) for (const turn of prompt.turns as string[]) expect(after).not.toContain(turn);
  });

  it("label requests by route pattern, never by the raw URL", async () => {
    const routeOf = routeMatcher({
      staticRoutes: [{ page: "/" }, { page: "/sign-in" }, { page: "/api/v1/votes" }],
      dynamicRoutes: [{ page: "/campaigns/[slug]/judges", regex: "^/campaigns/([^/]+?)/judges(?:/)?$" }],
    });
    expect(routeOf("/")).toBe("/");
    expect(routeOf("/sign-in?callbackUrl=%2Fsecret")).toBe("/sign-in");
    expect(routeOf("/campaigns/my-secret-study/judges/")).toBe("/campaigns/[slug]/judges");
    expect(routeOf("/_next/static/chunks/app.js")).toBe("/_next");
    expect(routeOf("/wp-admin/../etc/passwd")).toBe("other");
    observeRequest("/api/v1/votes", "POST", 200, 0.012);
    const text = await (await scrape("Bearer metrics-token-for-the-tests")).text();
    // Without a build's manifest here every request is "other": still counted, still no URL.
    expect(text).toMatch(/hikaku_http_requests_total\{route="(\/api\/v1\/votes|other)",status="200"\} 1/);
  });
});
