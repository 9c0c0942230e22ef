import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { setAnnotatorFlag } from "@/lib/campaigns/flags";
import { exportVotes } from "@/lib/datasets/export-votes";
import { db, pool, sql } from "@/lib/db";
import { parseBattlesCsv } from "@/lib/ratings/battles-csv";
import { computeLeaderboard } from "@/lib/ratings/leaderboard";
import { createResultsCampaign } from "@/lib/testing/results-campaign";
import { createTestUser } from "@/lib/testing/factories";
import { simulateVotes } from "@/lib/testing/simulate";
import { DEFAULT_FILTERS, fitKey, type ResultFilters } from "./filters";
import { getLeaderboard } from "./leaderboard";
import { leaderboardJson } from "./output";
import { runHikaku } from "@/lib/testing/cli";
import { within } from "@/lib/testing/within";

async function exportText(campaign: { id: string; slug: string }, filters: ResultFilters): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of exportVotes(null, campaign, filters, "csv", "cli").chunks) text += decoder.decode(chunk, { stream: true });
  return text;
}

/** What the `ratings` command computes from the exported CSV of the same votes. */
async function ratingsOfExport(campaign: { id: string; slug: string }, filters: ResultFilters) {
  const { battles } = parseBattlesCsv(await exportText(campaign, filters));
  const board = await computeLeaderboard(battles, {
    rounds: 1000,
    seed: 0,
    excludeBothBad: filters.excludeBothBad,
    anchor: filters.anchor ?? undefined,
  });
  return { votes: board.votes, rounds: board.rounds, models: leaderboardJson(board, new Date(), filters, "").models };
}

async function boardOf(campaignId: string, filters: ResultFilters) {
  const view = await getLeaderboard(campaignId, filters, { untilFresh: true });
  if (view.state !== "ready") throw new Error(`leaderboard ${view.state}`);
  const json = leaderboardJson(view.board, view.computedAt, filters, "");
  return { votes: json.votes, rounds: json.rounds, models: json.models, computedAt: view.computedAt };
}

function cli(args: string[]) {
  const result = runHikaku([...args]);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("leaderboards computed from the database", () => {
  let setup: Awaited<ReturnType<typeof createResultsCampaign>>;
  beforeAll(async () => {
    setup = await createResultsCampaign();
  }, 120_000);

  it("has votes of every kind to filter", async () => {
    const byWinner = await db.vote.groupBy({ by: ["winner"], where: { campaignId: setup.campaign.id }, _count: true });
    expect(byWinner.map((g) => g.winner).sort()).toEqual(["MODEL_A", "MODEL_B", "TIE", "TIE_BOTHBAD"]);
    expect(await db.vote.count({ where: { campaignId: setup.campaign.id, identityLeak: true } })).toBe(1);
    expect(setup.stored).toBeGreaterThan(100);
  });

  const cases: [string, Partial<ResultFilters>][] = [
    ["no filter", {}],
    ["one category", { category: "math" }],
    ["a date range", { from: "2026-02-01", to: "2026-02-28" }],
    ["both-bad votes left out", { excludeBothBad: true }],
    ["an anchor", { anchor: { model: "", rating: 1200 } }],
  ];
  it.each(cases)("equal the ratings command's numbers on the exported votes: %s", async (_name, partial) => {
    const filters = { ...DEFAULT_FILTERS, ...partial };
    if (filters.anchor) filters.anchor = { model: setup.models[2], rating: 1200 };
    const fromDatabase = await boardOf(setup.campaign.id, filters);
    const fromExport = await ratingsOfExport(setup.campaign, filters);
    expect({ votes: fromDatabase.votes, rounds: fromDatabase.rounds, models: fromDatabase.models }).toEqual(fromExport);
    expect(fromDatabase.rounds).toBe(1000);
    expect(fromDatabase.votes).toBeGreaterThan(0);
  });

  it("count only the votes each filter selects, never the identity leak", async () => {
    const total = await db.vote.count({ where: { campaignId: setup.campaign.id, identityLeak: false } });
    const math = await db.vote.count({ where: { campaignId: setup.campaign.id, identityLeak: false, prompt: { category: "math" } } });
    const february = await db.vote.count({
      where: { campaignId: setup.campaign.id, identityLeak: false, createdAt: { gte: new Date("2026-02-01T00:00:00Z") } },
    });
    expect((await boardOf(setup.campaign.id, DEFAULT_FILTERS)).votes).toBe(total);
    expect((await boardOf(setup.campaign.id, { ...DEFAULT_FILTERS, category: "math" })).votes).toBe(math);
    expect((await boardOf(setup.campaign.id, { ...DEFAULT_FILTERS, from: "2026-02-01" })).votes).toBe(february);
    expect(math).toBeLessThan(total);
    expect(february).toBeLessThan(total);
    const anchored = await boardOf(setup.campaign.id, { ...DEFAULT_FILTERS, anchor: { model: setup.models[2], rating: 1200 } });
    expect(anchored.models.find((m) => m.model === setup.models[2])!.rating).toBeCloseTo(1200, 9);
  });

  it("rank the models in the order of their strength", async () => {
    const board = await boardOf(setup.campaign.id, DEFAULT_FILTERS);
    expect(board.models.map((m) => m.model)).toEqual(setup.models);
  });

  it("leave a flagged annotator's votes out by default and put them back when asked", async () => {
    const [flagged] = setup.annotators;
    const before = await boardOf(setup.campaign.id, DEFAULT_FILTERS);
    const theirs = await db.vote.count({ where: { campaignId: setup.campaign.id, annotatorId: flagged.id, identityLeak: false } });
    const researcher = await createTestUser({ role: "RESEARCHER" });
    expect(await setAnnotatorFlag(researcher.id, setup.campaign.id, flagged.id, true)).toBe(true);
    try {
      const after = await boardOf(setup.campaign.id, DEFAULT_FILTERS);
      expect(after.votes).toBe(before.votes - theirs);
      expect(after.models).not.toEqual(before.models);
      const included = await boardOf(setup.campaign.id, { ...DEFAULT_FILTERS, includeFlagged: true });
      expect(included.models).toEqual(before.models);
      // The export with the same (default) filters leaves them out too, so the ratings command agrees.
      expect(after.models).toEqual((await ratingsOfExport(setup.campaign, DEFAULT_FILTERS)).models);
      const audit = await db.auditEvent.findFirst({
        where: { action: "annotator.flagged", subjectId: setup.campaign.id },
        orderBy: { id: "desc" },
      });
      expect(audit).toMatchObject({ actorId: researcher.id, data: { userId: flagged.id } });
    } finally {
      await setAnnotatorFlag(researcher.id, setup.campaign.id, flagged.id, false);
    }
  });

  it("print the same numbers from the leaderboard command as the ratings command prints for the exported CSV", () => {
    const dir = mkdtempSync(join(tmpdir(), "hikaku-results-"));
    const out = join(dir, "votes.csv");
    const slug = setup.campaign.slug;
    expect(cli(["export-votes", "--campaign", slug, "--format", "csv", "--out", out, "--category", "writing"]).status).toBe(0);
    const ratings = cli(["ratings", "--input", out]);
    const leaderboard = cli(["leaderboard", "--campaign", slug, "--category", "writing"]);
    expect(ratings.status).toBe(0);
    expect(leaderboard.status).toBe(0);
    const fromRatings = JSON.parse(ratings.stdout);
    const fromLeaderboard = JSON.parse(leaderboard.stdout);
    expect(Object.keys(fromLeaderboard)).toEqual(["votes", "rounds", "models", "computedAt", "filters", "campaign", "target"]);
    // No stopping target set: null.
    expect(fromLeaderboard.target).toBeNull();
    expect(fromLeaderboard.models).toEqual(fromRatings.models);
    expect(fromLeaderboard.votes).toBe(fromRatings.votes);
    expect(fromLeaderboard.filters).toEqual({
      category: "writing",
      language: null,
      from: null,
      to: null,
      excludeBothBad: false,
      excludeFlagged: true,
      anchor: null,
      styleControl: false,
      robustness: false,
      excludeDuplicates: false,
    });
    expect(readFileSync(out, "utf8").split("\n")[0]).toBe(
      "question_id,model_a,model_b,winner,judge,conversation_a,conversation_b,turn,anony,language,tstamp,outcome,reason,corrected_answer,identity_leak,duration_ms,category",
    );
  });

  it("rejects bad filters and an unknown anchor on the command line with exit code 2", () => {
    const slug = setup.campaign.slug;
    const badDate = cli(["leaderboard", "--campaign", slug, "--from", "2026-13-45"]);
    expect(badDate.status).toBe(2);
    expect(badDate.stderr).toMatch(/from/);
    const anchor = cli(["leaderboard", "--campaign", slug, "--anchor", "nobody=1000"]);
    expect(anchor.status).toBe(2);
    expect(anchor.stderr).toMatch(/anchor model "nobody"/);
    expect(anchor.stdout).toBe("");
  });
});

describe("the results cache", () => {
  it("serves a page the stored board, marks it stale after a new vote and recomputes it off the request", async () => {
    const { campaign } = await createResultsCampaign();
    const filters = { ...DEFAULT_FILTERS, category: "writing" };
    const first = await getLeaderboard(campaign.id, filters, { waitMs: 0 });
    // Nothing stored yet and no wait: the page says "computing" instead of blocking.
    expect(first.state).toBe("computing");
    const ready = await getLeaderboard(campaign.id, filters, { untilFresh: true });
    expect(ready).toMatchObject({ state: "ready", fresh: true });
    const again = await getLeaderboard(campaign.id, filters, { waitMs: 0 });
    expect(again.state === "ready" && again.computedAt.getTime()).toBe(ready.state === "ready" && ready.computedAt.getTime());

    // Every pair has its three votes: raise the target so one more annotator gets a pair.
    await db.campaign.update({ where: { id: campaign.id }, data: { targetVotesPerItem: 4 } });
    const extra = await createTestUser({ role: "ANNOTATOR" });
    await db.campaignMember.create({ data: { campaignId: campaign.id, userId: extra.id } });
    expect(await simulateVotes({ campaignId: campaign.id, annotatorIds: [extra.id], votesPerAnnotator: 1, choose: () => "LEFT" })).toBe(1);

    const stale = await getLeaderboard(campaign.id, filters, { waitMs: 0 });
    expect(stale).toMatchObject({ state: "ready", fresh: false });
    // The page's own request started the recomputation: a page that waits a moment gets the fresh board.
    expect(await getLeaderboard(campaign.id, filters, { waitMs: 60_000 })).toMatchObject({ state: "ready", fresh: true });
    const fresh = await getLeaderboard(campaign.id, filters, { untilFresh: true });
    const writing = await db.vote.count({ where: { campaignId: campaign.id, identityLeak: false, prompt: { category: "writing" } } });
    expect(fresh.state === "ready" && fresh.board.votes).toBe(writing);
    expect(fresh.state === "ready" && stale.state === "ready" && fresh.computedAt > stale.computedAt).toBe(true);
  });

  it("waits while another instance holds the computation, and takes it over once that instance's lease lapses", async () => {
    const { campaign } = await createResultsCampaign();
    // Another instance took the lease a moment ago and died: nothing renews it.
    await sql.$executeRaw`
      INSERT INTO "ResultCache" ("campaignId", "filterKey", "computingStamp", "computingUntil")
      VALUES (${campaign.id}::uuid, ${fitKey(DEFAULT_FILTERS)}, 'elsewhere', now() + interval '5 seconds')`;
    expect((await getLeaderboard(campaign.id, DEFAULT_FILTERS, { waitMs: 0 })).state).toBe("computing");
    const waited = getLeaderboard(campaign.id, DEFAULT_FILTERS, { untilFresh: true });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const row = () =>
      db.resultCache.findFirstOrThrow({ where: { campaignId: campaign.id }, select: { computingStamp: true, result: true } });
    // Still the other instance's: nothing was computed behind its back.
    expect(await row()).toEqual({ computingStamp: "elsewhere", result: null });
    expect(await waited).toMatchObject({ state: "ready", fresh: true });
    expect(await row()).toMatchObject({ computingStamp: null, result: expect.objectContaining({ votes: expect.any(Number) }) });
  });

  it("computes a board once when several requests ask for it at the same time", async () => {
    const { campaign } = await createResultsCampaign();
    const views = await Promise.all(Array.from({ length: 4 }, () => getLeaderboard(campaign.id, DEFAULT_FILTERS, { untilFresh: true })));
    const times = new Set(views.map((v) => (v.state === "ready" ? v.computedAt.getTime() : -1)));
    expect(times.size).toBe(1);
    expect([...times][0]).toBeGreaterThan(0);
  });

  it("shows a computation that failed with its cause, and computes the board again on the next request", async () => {
    const { campaign } = await createResultsCampaign();
    // The computation waits on a lock and is then cancelled, as a database would end a statement it will not finish.
    const blocker = await pool().connect();
    try {
      await blocker.query('BEGIN; LOCK TABLE "Prompt" IN ACCESS EXCLUSIVE MODE');
      const page = getLeaderboard(campaign.id, DEFAULT_FILTERS, { waitMs: 60_000 });
      const cancelled = await within(cancelLockWaiter(), "the computation waiting on the lock");
      expect(cancelled).toBe(true);
      await blocker.query("ROLLBACK");
      expect(await page).toEqual({ state: "failed", error: expect.stringContaining("canceling statement due to user request") });
      // The failure is what a page shows until the next computation starts, not a lease that blocks it.
      expect(await db.resultCache.findFirstOrThrow({ where: { campaignId: campaign.id } })).toMatchObject({
        result: null,
        computingUntil: null,
        computingStamp: null,
      });

      await blocker.query('BEGIN; LOCK TABLE "Prompt" IN ACCESS EXCLUSIVE MODE');
      // The CLI and the API, which wait for a fresh board, get the error instead of a stale board
      // (the expectation is attached at once: the rejection may come before the lock is let go).
      const command = expect(getLeaderboard(campaign.id, DEFAULT_FILTERS, { untilFresh: true })).rejects.toThrow(
        /^computing the leaderboard failed: .*canceling statement due to user request/,
      );
      await within(cancelLockWaiter(), "the computation waiting on the lock");
      await blocker.query("ROLLBACK");
      await command;
    } finally {
      await blocker.query("ROLLBACK").catch(() => {});
      blocker.release();
    }
    expect(await getLeaderboard(campaign.id, DEFAULT_FILTERS, { waitMs: 60_000 })).toMatchObject({ state: "ready", fresh: true });
    expect((await db.resultCache.findFirstOrThrow({ where: { campaignId: campaign.id } })).error).toBeNull();
  });

  it("computes at most two boards at a time in one instance, and starts the next as one finishes", async () => {
    const { campaign } = await createResultsCampaign();
    const filterSets = [DEFAULT_FILTERS, { ...DEFAULT_FILTERS, category: "math" }, { ...DEFAULT_FILTERS, category: "writing" }];
    const blocker = await pool().connect();
    try {
      await blocker.query('BEGIN; LOCK TABLE "Prompt" IN ACCESS EXCLUSIVE MODE');
      const boards = filterSets.map((filters) => getLeaderboard(campaign.id, filters, { untilFresh: true }));
      await within(lockWaiters(2), "two computations under way");
      // Each computation holds two connections and a bootstrap's CPU: the third waits for a slot.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await lockWaiters(0)).toBe(2);
      await blocker.query("ROLLBACK");
      const views = await within(Promise.all(boards), "the three boards");
      expect(views.map((view) => view.state === "ready" && view.board.votes)).toEqual([
        await db.vote.count({ where: { campaignId: campaign.id, identityLeak: false } }),
        await db.vote.count({ where: { campaignId: campaign.id, identityLeak: false, prompt: { category: "math" } } }),
        await db.vote.count({ where: { campaignId: campaign.id, identityLeak: false, prompt: { category: "writing" } } }),
      ]);
      // Every slot was given back: a later board does not wait.
      const later = getLeaderboard(campaign.id, { ...DEFAULT_FILTERS, excludeBothBad: true }, { untilFresh: true });
      expect(await within(later, "a board after the three")).toMatchObject({ state: "ready", fresh: true });
    } finally {
      await blocker.query("ROLLBACK").catch(() => {});
      blocker.release();
    }
  });
});

/** The backends of this test database that wait on a lock (other than the asking one). */
const LOCK_WAITERS = `FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`;

/** How many backends wait on a lock, once at least `atLeast` do. */
async function lockWaiters(atLeast: number): Promise<number> {
  for (;;) {
    const { rows } = await pool().query<{ waiting: number }>(`SELECT count(*)::int AS waiting ${LOCK_WAITERS}`);
    if (rows[0].waiting >= atLeast) return rows[0].waiting;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Cancels the statement of the backend waiting on a lock, once there is one. */
async function cancelLockWaiter(): Promise<boolean> {
  await lockWaiters(1);
  const { rows } = await pool().query<{ cancelled: boolean }>(`SELECT pg_cancel_backend(pid) AS cancelled ${LOCK_WAITERS}`);
  return rows.length > 0 && rows.every((row) => row.cancelled);
}
