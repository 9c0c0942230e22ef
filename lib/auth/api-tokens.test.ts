import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as leaderboardRoute } from "@/app/api/v1/campaigns/[slug]/leaderboard/route";
import { GET as votesRoute } from "@/app/api/v1/campaigns/[slug]/votes/route";
import { db } from "@/lib/db";
import { createResultsCampaign } from "@/lib/testing/results-campaign";
import { createTestUser } from "@/lib/testing/factories";
import { createApiToken, listApiTokens, revokeApiToken, userForApiToken } from "./api-tokens";
import { Writable } from "node:stream";
import { createLogger } from "@/lib/log";

type Route = (request: Request, context: { params: Promise<{ slug: string }> }) => Promise<Response>;

async function call(route: Route, slug: string, query: string, token?: string) {
  const headers = token === undefined ? undefined : { authorization: `Bearer ${token}` };
  const response = await route(new Request(`http://hikaku.test/api/v1/campaigns/${slug}/x?${query}`, { headers }), {
    params: Promise.resolve({ slug }),
  });
  return response;
}

describe("the read-only API with tokens", () => {
  let campaign: { id: string; slug: string };
  let owner: Awaited<ReturnType<typeof createTestUser>>;
  let token: string;
  const logged: string[] = [];

  beforeAll(async () => {
    ({ campaign } = await createResultsCampaign());
    owner = await createTestUser({ role: "RESEARCHER" });
    await db.campaign.update({ where: { id: campaign.id }, data: { createdById: owner.id } });
    ({ token } = await createApiToken(owner.id, "analysis notebook"));
  }, 120_000);

  afterEach(() => {
    vi.restoreAllMocks();
    delete (globalThis as unknown as { hikakuLogger?: unknown }).hikakuLogger;
  });

  function captureLogs() {
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      });
    }
    // The app's log (lib/log.ts) too, at every level: what it would write.
    const logger = createLogger(
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logged.push(chunk.toString("utf8"));
          done();
        },
      }),
      "trace",
    );
    (globalThis as unknown as { hikakuLogger?: unknown }).hikakuLogger = logger;
  }

  it("shows a token once, keeps only its hash and prefix, and records who created it", async () => {
    expect(token).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);
    const [stored] = await db.apiToken.findMany({ where: { userId: owner.id } });
    expect(stored.tokenHash).not.toContain(token.slice(3));
    expect(token.slice(3, 11)).toBe(stored.prefix);
    expect(JSON.stringify(stored)).not.toContain(token);
    const audit = await db.auditEvent.findFirst({ where: { action: "api_token.created", subjectId: stored.id } });
    expect(audit).toMatchObject({ actorId: owner.id, data: { name: "analysis notebook" } });
  });

  it("records each token's creation (who, which token, its name) and gives its owner back, nothing more", async () => {
    const { token: another, summary } = await createApiToken(owner.id, "second notebook");
    expect(await db.auditEvent.findFirst({ where: { action: "api_token.created", subjectId: summary.id } })).toMatchObject({
      actorId: owner.id,
      subjectType: "ApiToken",
      data: { name: "second notebook" },
    });
    expect(await userForApiToken(another)).toEqual({ id: owner.id, email: owner.email, displayName: owner.displayName, role: owner.role });
  });

  it("serves the owner's leaderboard as the leaderboard command prints it, and notes when the token was used", async () => {
    const response = await call(leaderboardRoute, campaign.slug, "category=math", token);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(["votes", "rounds", "models", "computedAt", "filters", "campaign", "target"]);
    // No stopping target set: null.
    expect(body.target).toBeNull();
    expect(body.filters.category).toBe("math");
    expect(body.models).toHaveLength(4);
    const [listed] = await listApiTokens(owner.id);
    expect(listed.lastUsedAt).not.toBeNull();
    const csv = await call(leaderboardRoute, campaign.slug, "format=csv", token);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect((await csv.text()).split("\n")[0]).toBe("rank,model,rating,ci_low,ci_high,online_elo,rank_upper_bound,battles");
  });

  it("streams the votes in the requested format", async () => {
    const response = await call(votesRoute, campaign.slug, "format=jsonl", token);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${campaign.slug}-votes.jsonl"`);
    const lines = (await response.text()).trim().split("\n");
    expect(lines).toHaveLength(await db.vote.count({ where: { campaignId: campaign.id } }));
  });

  it("answers a wrong or malformed token with 401 and never logs it", async () => {
    captureLogs();
    const wrong = `hk_${"x".repeat(43)}`;
    for (const route of [leaderboardRoute, votesRoute]) {
      const response = await call(route, campaign.slug, "", wrong);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: "invalid, revoked or malformed API token", code: "UNAUTHENTICATED" });
      expect((await call(route, campaign.slug, "", "not-a-token")).status).toBe(401);
    }
    expect(logged.join("\n")).not.toContain(wrong);
  });

  it("refuses a revoked token, another owner's campaign and an annotator's token", async () => {
    captureLogs();
    const { token: revoked, summary } = await createApiToken(owner.id, "old");
    expect(await revokeApiToken(owner.id, summary.id)).toBe(true);
    expect(await revokeApiToken(owner.id, summary.id)).toBe(false);
    expect((await call(leaderboardRoute, campaign.slug, "", revoked)).status).toBe(401);

    const stranger = await createTestUser({ role: "RESEARCHER" });
    const { token: strangers } = await createApiToken(stranger.id, "elsewhere");
    const foreign = await call(votesRoute, campaign.slug, "format=csv", strangers);
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toEqual({ error: "no such campaign", code: "NOT_FOUND" });
    expect(await revokeApiToken(stranger.id, summary.id)).toBe(false);

    const demoted = await createTestUser({ role: "RESEARCHER" });
    const { token: annotators } = await createApiToken(demoted.id, "before demotion");
    await db.user.update({ where: { id: demoted.id }, data: { role: "ANNOTATOR" } });
    expect((await call(leaderboardRoute, campaign.slug, "", annotators)).status).toBe(403);

    const disabled = await createTestUser({ role: "RESEARCHER", disabled: true });
    const { token: disabledToken } = await createApiToken(disabled.id, "disabled");
    expect((await call(leaderboardRoute, campaign.slug, "", disabledToken)).status).toBe(401);
    expect(logged.join("\n")).not.toMatch(/hk_[A-Za-z0-9_-]{20,}/);
  });

  it("answers bad input with 400 and a missing campaign with 404", async () => {
    expect((await call(votesRoute, campaign.slug, "format=xlsx", token)).status).toBe(400);
    const badFilter = await call(leaderboardRoute, campaign.slug, "from=yesterday", token);
    expect(badFilter.status).toBe(400);
    expect((await badFilter.json()).details[0]).toMatch(/^from/);
    expect((await call(leaderboardRoute, campaign.slug, "anchor=nobody", token)).status).toBe(400);
    expect((await call(leaderboardRoute, "no-such-campaign", "", token)).status).toBe(404);
  });
});
