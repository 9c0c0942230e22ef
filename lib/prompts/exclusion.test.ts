import { beforeAll, describe, expect, it } from "vitest";
import { refreshBlockedItems } from "@/lib/campaigns/identity-words";
import { copyVotes } from "@/lib/datasets/copy-votes";
import { db } from "@/lib/db";
import { annotatorReport } from "@/lib/results/annotators";
import { DEFAULT_FILTERS } from "@/lib/results/filters";
import { getLeaderboard } from "@/lib/results/leaderboard";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { createAnnotators, createTestCampaign, createVotingCampaign } from "@/lib/testing/factories";
import { recordVote } from "@/lib/votes/record-vote";
import { setPromptExcluded } from "./exclusion";
import { promptsOf } from "./list";
import { runHikaku } from "@/lib/testing/cli";

async function votesOnBoard(campaignId: string): Promise<number> {
  const view = await getLeaderboard(campaignId, DEFAULT_FILTERS, { untilFresh: true });
  if (view.state !== "ready") throw new Error(view.state);
  return view.board.votes;
}

async function exportedRows(campaignId: string): Promise<number> {
  let text = "";
  for await (const chunk of copyVotes(campaignId, DEFAULT_FILTERS, "jsonl").chunks) text += Buffer.from(chunk).toString("utf8");
  return text.split("\n").filter(Boolean).length;
}

describe("a prompt left out by a researcher", () => {
  let campaignId: string;
  let slug: string;
  let leftOut: string;
  let researcherId: string;
  beforeAll(async () => {
    const [voter] = await createAnnotators(1);
    const { campaign } = await createVotingCampaign({ prompts: 2, models: 3, annotators: [voter.id] });
    campaignId = campaign.id;
    slug = campaign.slug;
    // 2 prompts × 3 pairs: 6 votes, 3 on each prompt.
    for (;;) {
      const next = await nextAssignmentFor(voter.id, campaignId);
      if (next.status !== "assigned") break;
      await recordVote(voter.id, { assignmentId: next.assignment.id, outcome: "LEFT", durationMs: 2500 });
    }
    leftOut = (await db.prompt.findFirstOrThrow({ where: { campaignId, externalId: "p0" } })).id;
    researcherId = (
      await db.user.create({ data: { email: `r-${slug}@example.test`, displayName: "R", passwordHash: "x", role: "RESEARCHER" } })
    ).id;
  }, 120_000);

  it("leaves the results, the statistics and the exports, and is no longer served, until it is taken back", async () => {
    expect(await votesOnBoard(campaignId)).toBe(6);
    expect(await exportedRows(campaignId)).toBe(6);
    expect(await setPromptExcluded(researcherId, campaignId, leftOut, true, "personal data")).toBe(true);
    expect(await votesOnBoard(campaignId)).toBe(3);
    expect(await exportedRows(campaignId)).toBe(3);
    expect((await annotatorReport(campaignId, DEFAULT_FILTERS)).votes).toBe(3);
    // Its pairs are held back, also after the identity words are looked at again.
    await db.$transaction((tx) => refreshBlockedItems(tx, campaignId));
    const items = await db.item.findMany({ where: { campaignId }, select: { promptId: true, blocked: true } });
    expect(items.filter((i) => i.blocked).map((i) => i.promptId)).toEqual([leftOut, leftOut, leftOut]);
    expect((await db.campaign.findUniqueOrThrow({ where: { id: campaignId } })).itemCount).toBe(3);
    const [fresh] = await createAnnotators(1);
    await db.campaignMember.create({ data: { campaignId, userId: fresh.id } });
    for (let k = 0; k < 3; k++) {
      const next = await nextAssignmentFor(fresh.id, campaignId);
      if (next.status !== "assigned") throw new Error(next.status);
      expect((await db.assignment.findUniqueOrThrow({ where: { id: next.assignment.id } })).promptId).not.toBe(leftOut);
      await recordVote(fresh.id, { assignmentId: next.assignment.id, outcome: "RIGHT", durationMs: 2500 });
    }
    expect((await nextAssignmentFor(fresh.id, campaignId)).status).toBe("done");
    // The record: who, why; the prompts list shows it.
    expect(await db.prompt.findUniqueOrThrow({ where: { id: leftOut } })).toMatchObject({
      excludedById: researcherId,
      excludeReason: "personal data",
    });
    expect(await db.auditEvent.findFirst({ where: { subjectId: leftOut, action: "prompt.exclude" } })).toMatchObject({
      actorId: researcherId,
    });
    const listed = await promptsOf(campaignId, 0, { onlyExcluded: true });
    expect(listed.total).toBe(1);
    expect(listed.entries[0]).toMatchObject({ externalId: "p0", votes: 3, excluded: { reason: "personal data" } });

    expect(await setPromptExcluded(researcherId, campaignId, leftOut, false)).toBe(true);
    expect(await votesOnBoard(campaignId)).toBe(9);
    expect(await exportedRows(campaignId)).toBe(9);
    expect(await db.item.count({ where: { campaignId, blocked: true } })).toBe(0);
    expect(await db.prompt.findUniqueOrThrow({ where: { id: leftOut } })).toMatchObject({ excludedAt: null, excludeReason: null });
  });

  it("records who left a prompt out and why, and who took it back", async () => {
    const prompt = await db.prompt.findFirstOrThrow({ where: { campaignId, externalId: "p1" } });
    expect(await setPromptExcluded(researcherId, campaignId, prompt.id, true, "a name in it")).toBe(true);
    expect(await setPromptExcluded(researcherId, campaignId, prompt.id, false, "ignored when taking back")).toBe(true);
    const events = await db.auditEvent.findMany({ where: { subjectId: prompt.id }, orderBy: { createdAt: "asc" } });
    expect(events.map(({ actorId, action, subjectType, data }) => ({ actorId, action, subjectType, data }))).toEqual([
      { actorId: researcherId, action: "prompt.exclude", subjectType: "Prompt", data: { campaignId, reason: "a name in it" } },
      { actorId: researcherId, action: "prompt.include", subjectType: "Prompt", data: { campaignId } },
    ]);
  });

  it("lists the campaign's prompts a page at a time", async () => {
    const first = await promptsOf(campaignId, 0);
    const beyond = await promptsOf(campaignId, 1);
    expect(first.entries.length).toBe(first.total);
    // Every prompt, not only the left-out ones.
    expect(first.total).toBe(await db.prompt.count({ where: { campaignId } }));
    expect(beyond).toMatchObject({ entries: [], total: first.total });
  });

  it("is refused for a prompt of another campaign", async () => {
    const other = await createTestCampaign();
    expect(await setPromptExcluded(researcherId, other.id, leftOut, true)).toBe(false);
    expect((await db.prompt.findUniqueOrThrow({ where: { id: leftOut } })).excludedAt).toBeNull();
  });

  it("from the command line: prompts exclude and include by the prompt's id; an unknown id is a usage error", () => {
    const cli = (...args: string[]) => runHikaku(["prompts", ...args]);
    const excluded = cli("exclude", "--campaign", slug, "--prompt", "p1", "--reason", "names a person");
    expect(excluded.status).toBe(0);
    expect(JSON.parse(excluded.stdout)).toEqual({ campaign: slug, prompt: "p1", excluded: true });
    const included = cli("include", "--campaign", slug, "--prompt", "p1");
    expect(JSON.parse(included.stdout)).toEqual({ campaign: slug, prompt: "p1", excluded: false });
    const unknown = cli("exclude", "--campaign", slug, "--prompt", "nope");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(`has no prompt "nope"`);
  });
});
