import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { createTestUser } from "@/lib/testing/factories";
import { actAs, interruption, NOT_FOUND_PAGE, SIGN_IN_REDIRECT } from "@/lib/testing/next-request";
import { createResultsCampaign } from "@/lib/testing/results-campaign";
import { DEFAULT_FILTERS } from "./filters";
import { requireResultsCampaign, resultsPageData } from "./page-data";

vi.mock("next/headers", async () => (await import("@/lib/testing/next-request")).nextHeaders);

/** What a results page (leaderboard, correlations) reads before it renders: who may see it, its filters and its board. */
describe("a results page's data", () => {
  let campaign: { id: string; slug: string };
  let models: string[];
  beforeAll(async () => {
    ({ campaign, models } = await createResultsCampaign());
  });

  it("is the campaign for its researchers and admins, and the 404 page for anyone else", async () => {
    const params = Promise.resolve({ slug: campaign.slug });
    await actAs(null);
    expect(await interruption(requireResultsCampaign(params))).toMatch(SIGN_IN_REDIRECT);
    // Annotators must not even learn that rankings exist: 404, not 403. Members included.
    const member = await db.campaignMember.findFirstOrThrow({ where: { campaignId: campaign.id } });
    await actAs({ id: member.userId });
    expect(await interruption(requireResultsCampaign(params))).toBe(NOT_FOUND_PAGE);
    await actAs(await createTestUser({ role: "RESEARCHER" }));
    expect(await interruption(requireResultsCampaign(params))).toBe(NOT_FOUND_PAGE);
    await actAs(await createTestUser({ role: "ADMIN" }));
    expect(await requireResultsCampaign(params)).toMatchObject({ id: campaign.id, slug: campaign.slug });
  });

  it("reads the filters from the URL with the campaign's categories, and the board they select", async () => {
    const data = await resultsPageData(campaign.id, { category: "math", bothBad: "exclude", style: ["on", "off"] });
    expect(data.filters).toEqual({ ...DEFAULT_FILTERS, category: "math", excludeBothBad: true, styleControl: true });
    expect(data.categories).toEqual(["math", "writing"]);
    expect(data.invalidFilters).toBeNull();
    expect(data.missingAnchor).toBeNull();
    const math = await db.vote.count({ where: { campaignId: campaign.id, identityLeak: false, prompt: { category: "math" } } });
    expect(data.view).toMatchObject({ state: "ready", board: { votes: math } });
    // The correlations page asks for the bootstrap (its intervals); the leaderboard needs it only with an anchor.
    expect(data.view.state === "ready" && data.view.board.bootstrapRatings.length).toBe(0);
    const withBootstrap = await resultsPageData(campaign.id, {}, { withBootstrap: true });
    expect(withBootstrap.view.state === "ready" && withBootstrap.view.board.bootstrapRatings.length).toBeGreaterThan(0);
  });

  it("shows the default board with a notice, never an error, for filters it cannot read or an anchor that is not rated", async () => {
    const bad = await resultsPageData(campaign.id, { from: "2026-13-01", flagged: "sometimes" });
    expect(bad.filters).toEqual(DEFAULT_FILTERS);
    expect(bad.invalidFilters).toEqual(["from: not a calendar date", expect.stringMatching(/^flagged: /)]);
    expect(bad.view.state).toBe("ready");

    const anchored = await resultsPageData(campaign.id, { anchor: "nobody", anchorRating: "1500", category: "writing" });
    expect(anchored.missingAnchor).toBe("nobody");
    expect(anchored.filters).toEqual({ ...DEFAULT_FILTERS, category: "writing" });
    expect(anchored.view.state).toBe("ready");

    const real = await resultsPageData(campaign.id, { anchor: models[0], anchorRating: "1500" }, { withBootstrap: true });
    expect(real.missingAnchor).toBeNull();
    const anchor = real.view.state === "ready" && real.view.board.models.find((row) => row.model === models[0]);
    expect(anchor && anchor.rating).toBeCloseTo(1500, 6);
  });
});
