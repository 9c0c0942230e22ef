import { beforeAll, describe, expect, it, vi } from "vitest";
import { IDLE } from "@/lib/action-state";
import { db } from "@/lib/db";
import { createTestUser, createVotingCampaign } from "@/lib/testing/factories";
import { actAs, FORBIDDEN, form, interruption, SIGN_IN_REDIRECT, takeRevalidated } from "@/lib/testing/next-request";
import { importScoresAction } from "./actions";

vi.mock("next/headers", async () => (await import("@/lib/testing/next-request")).nextHeaders);
vi.mock("next/cache", async () => (await import("@/lib/testing/next-request")).nextCache);

/** The correlations page's upload of benchmark scores, as the browser posts it. */
describe("uploading benchmark scores", () => {
  let campaign: { id: string; slug: string };
  let models: string[];
  let researcher: { id: string };
  const upload = (text: string | null, fields: Record<string, string> = {}) => {
    const data = form({ campaignId: campaign.id, slug: campaign.slug, ...fields });
    if (text !== null) data.set("file", new File([text], "scores.csv", { type: "text/csv" }));
    return importScoresAction(IDLE, data);
  };
  const stored = () => db.benchmarkScore.count({ where: { campaignId: campaign.id } });

  beforeAll(async () => {
    ({ campaign, modelNames: models } = await createVotingCampaign({ prompts: 1, models: 2, annotators: [] }));
    researcher = await createTestUser({ role: "RESEARCHER" });
    await db.campaignMember.create({ data: { campaignId: campaign.id, userId: researcher.id } });
  });

  it("is refused to the signed-out, annotators and researchers of other campaigns", async () => {
    const text = `model,benchmark,score\n${models[0]},MT,7\n`;
    await actAs(null);
    expect(await interruption(upload(text))).toMatch(SIGN_IN_REDIRECT);
    await actAs(await createTestUser());
    expect(await interruption(upload(text))).toBe(FORBIDDEN);
    await actAs(await createTestUser({ role: "RESEARCHER" }));
    expect(await upload(text)).toEqual({ status: "error", code: "NOT_FOUND" });
    expect(await upload(text, { campaignId: "not-a-uuid" })).toEqual({ status: "error", code: "NOT_FOUND" });
    expect(await stored()).toBe(0);
  });

  it("imports the campaign's scores with a summary, and refreshes the correlations page", async () => {
    await actAs(researcher);
    const imported = await upload(`model,benchmark,score\n${models[0]},MT,7\n${models[1]},MT,6.5\n`);
    expect(imported).toEqual({ status: "ok", summary: { scores: 2, added: 2, replaced: 0, benchmarks: ["MT"] } });
    expect(await stored()).toBe(2);
    expect(takeRevalidated()).toEqual([`/campaigns/${campaign.slug}/correlations`]);
  });

  it("names what is wrong with the file: none, empty, too large, or its problems line by line", async () => {
    await actAs(researcher);
    const before = await stored();
    expect(await upload(null)).toEqual({ status: "error", code: "NO_FILE" });
    expect(await upload("")).toEqual({ status: "error", code: "NO_FILE" });
    expect(await upload(`model,benchmark,score\n${"x,MT,1\n".repeat(150_000)}`)).toEqual({ status: "error", code: "TOO_LARGE" });
    expect(await upload(`model,benchmark,score\nno-such-model,MT,5\n${models[0]},MT,six\n`)).toEqual({
      status: "error",
      code: "REJECTED",
      details: [
        { line: 2, message: expect.stringContaining("no-such-model") },
        { line: 3, message: expect.stringContaining("six") },
      ],
    });
    expect(await stored()).toBe(before);
    expect(takeRevalidated()).toEqual([]);
  });
});
