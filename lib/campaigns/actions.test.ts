import { beforeAll, describe, expect, it, vi } from "vitest";
import { IDLE } from "@/lib/action-state";
import { db } from "@/lib/db";
import { createCampaign } from "./manage";
import { campaignSettingsSchema, liveSettingsSchema } from "./settings";
import { createTestUser, createVotingCampaign, uniqueSuffix } from "@/lib/testing/factories";
import { actAs, FORBIDDEN, form, interruption, SIGN_IN_REDIRECT, takeRevalidated } from "@/lib/testing/next-request";
import {
  addMemberAction,
  createCampaignAction,
  removeMemberAction,
  setAnnotatorFlagAction,
  setStatusAction,
  updateSettingsAction,
} from "./actions";

vi.mock("next/headers", async () => (await import("@/lib/testing/next-request")).nextHeaders);
vi.mock("next/cache", async () => (await import("@/lib/testing/next-request")).nextCache);

// The campaign pages' forms, as the browser posts them.

/** The settings form as the page fills it in: every field present, checkboxes only when ticked. */
function settingsForm(campaignId: string, fields: Record<string, string> = {}, outcomes = ["LEFT", "RIGHT", "TIE"]) {
  const data = form({
    campaignId,
    name: "Renamed",
    instructions: "Pick the better answer.",
    language: "en",
    reasonPolicy: "REQUIRED",
    revealModelsAfterVote: "on",
    correctionPolicy: "OFF",
    strategy: "UNIFORM",
    targetVotesPerItem: "5",
    dailyCapPerAnnotator: " 40 ",
    minSecondsPerVote: "",
    assignmentTtlMinutes: "45",
    identityWords: "GPT\nClaude、Gemini, GPT",
    stopTarget: "",
    stopTargetValue: "3",
    ...fields,
  });
  for (const outcome of outcomes) data.append("allowedOutcomes", outcome);
  return data;
}

describe("creating a campaign", () => {
  it("makes the caller's campaign and goes to its page; a live one when ticked", async () => {
    const researcher = await createTestUser({ role: "RESEARCHER" });
    await actAs(researcher);
    const slug = `made-${uniqueSuffix()}`;
    expect(await interruption(createCampaignAction(IDLE, form({ slug, name: "  Made here  " })))).toMatch(
      new RegExp(`^NEXT_REDIRECT;\\w+;/campaigns/${slug};`),
    );
    expect(await db.campaign.findUniqueOrThrow({ where: { slug } })).toMatchObject({
      name: "Made here",
      createdById: researcher.id,
      live: false,
    });
    const liveSlug = `live-${uniqueSuffix()}`;
    await interruption(createCampaignAction(IDLE, form({ slug: liveSlug, name: "Live", live: "on" })));
    expect((await db.campaign.findUniqueOrThrow({ where: { slug: liveSlug } })).live).toBe(true);

    expect(await createCampaignAction(IDLE, form({ slug, name: "Again" }))).toEqual({ status: "error", code: "SLUG_TAKEN" });
    expect(await createCampaignAction(IDLE, form({ slug: "Not A Slug", name: "" }))).toEqual({
      status: "invalid",
      fields: ["slug", "name"],
    });
    await actAs(await createTestUser());
    expect(await interruption(createCampaignAction(IDLE, form({ slug: `x-${uniqueSuffix()}`, name: "x" })))).toBe(FORBIDDEN);
    await actAs(null);
    expect(await interruption(createCampaignAction(IDLE, form({ slug: `x-${uniqueSuffix()}`, name: "x" })))).toMatch(SIGN_IN_REDIRECT);
  });
});

describe("a campaign's settings, status, members and flags", () => {
  let campaign: { id: string; slug: string };
  let researcher: { id: string };
  let voter: { id: string; email: string };
  beforeAll(async () => {
    researcher = await createTestUser({ role: "RESEARCHER" });
    voter = await createTestUser();
    ({ campaign } = await createVotingCampaign({ prompts: 1, models: 2, annotators: [voter.id] }));
    await db.campaignMember.create({ data: { campaignId: campaign.id, userId: researcher.id } });
  });
  const page = () => `/campaigns/${campaign.slug}`;

  it("saves the settings form as typed: ticked boxes, empty numbers as none, minutes as seconds, words split once each", async () => {
    await actAs(researcher);
    expect(await updateSettingsAction(IDLE, settingsForm(campaign.id))).toEqual({ status: "ok" });
    expect(await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({
      name: "Renamed",
      instructions: "Pick the better answer.",
      language: "en",
      allowedOutcomes: ["LEFT", "RIGHT", "TIE"],
      reasonPolicy: "REQUIRED",
      revealModelsAfterVote: true,
      strategy: "UNIFORM",
      targetVotesPerItem: 5,
      dailyCapPerAnnotator: 40,
      minSecondsPerVote: null,
      assignmentTtlSeconds: 2700,
      identityWords: ["GPT", "Claude", "Gemini"],
      stopTarget: null,
      stopTargetValue: null,
    });
    expect(takeRevalidated()).toEqual([page()]);

    const unticked = settingsForm(campaign.id, { minSecondsPerVote: "4", stopTarget: "TOP", stopTargetValue: "2" });
    unticked.delete("revealModelsAfterVote");
    expect(await updateSettingsAction(IDLE, unticked)).toEqual({ status: "ok" });
    expect(await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({
      revealModelsAfterVote: false,
      minSecondsPerVote: 4,
      stopTarget: "TOP",
      stopTargetValue: 2,
    });
    takeRevalidated();
  });

  it("saves a live campaign's limits with its settings", async () => {
    await actAs(researcher);
    const slug = `live-${uniqueSuffix()}`;
    const live = await createCampaign(
      researcher.id,
      slug,
      campaignSettingsSchema.parse({ name: slug }),
      liveSettingsSchema.parse({ live: true }),
    );
    if (!live.ok) throw new Error(live.code);
    const limits = { liveMaxTurns: "5", livePromptsPerHour: "12", livePromptMaxChars: "800", moderationWords: "spoiler\nleak" };
    expect(await updateSettingsAction(IDLE, settingsForm(live.id, limits))).toEqual({ status: "ok" });
    expect(await db.campaign.findUniqueOrThrow({ where: { id: live.id } })).toMatchObject({
      liveMaxTurns: 5,
      livePromptsPerHour: 12,
      livePromptMaxChars: 800,
      moderationWords: ["spoiler", "leak"],
    });
    expect(takeRevalidated()).toEqual([`/campaigns/${slug}`]);
  });

  it("names the settings to look at again, and keeps what was saved", async () => {
    await actAs(researcher);
    const before = await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    expect(await updateSettingsAction(IDLE, settingsForm(campaign.id, { targetVotesPerItem: "many" }))).toEqual({
      status: "invalid",
      fields: ["targetVotesPerItem"],
    });
    expect(await updateSettingsAction(IDLE, settingsForm(campaign.id, {}, ["TIE"]))).toEqual({
      status: "invalid",
      fields: ["allowedOutcomes"],
    });
    expect(await updateSettingsAction(IDLE, settingsForm(campaign.id, { assignmentTtlMinutes: "0" }))).toEqual({
      status: "invalid",
      fields: ["assignmentTtlSeconds"],
    });
    // Live limits are read only from a live campaign's form, which has them.
    expect(
      await updateSettingsAction(
        IDLE,
        settingsForm(campaign.id, { liveMaxTurns: "99", livePromptsPerHour: "1", livePromptMaxChars: "500" }),
      ),
    ).toEqual({
      status: "invalid",
      fields: ["liveMaxTurns"],
    });
    expect(await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toEqual(before);
    expect(takeRevalidated()).toEqual([]);
  });

  it("changes the status as its rules allow", async () => {
    await actAs(researcher);
    const status = (value: string) => setStatusAction(IDLE, form({ campaignId: campaign.id, slug: campaign.slug, status: value }));
    expect(await status("CLOSED")).toEqual({ status: "ok" });
    expect((await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("CLOSED");
    expect(takeRevalidated()).toEqual([page()]);
    expect(await status("FINISHED")).toEqual({ status: "invalid", fields: ["status"] });
    // A draft is the state campaigns start in, never one they go back to.
    expect(await status("DRAFT")).toEqual({ status: "error", code: "BAD_TRANSITION" });
    expect(await status("ACTIVE")).toEqual({ status: "ok" });
    expect((await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("ACTIVE");
    expect(takeRevalidated()).toEqual([page()]);
  });

  it("adds and removes members by e-mail, and flags an annotator", async () => {
    await actAs(researcher);
    const newcomer = await createTestUser();
    const add = (email: string) => addMemberAction(IDLE, form({ campaignId: campaign.id, slug: campaign.slug, email }));
    expect(await add(newcomer.email)).toEqual({ status: "ok" });
    expect(await db.campaignMember.count({ where: { campaignId: campaign.id, userId: newcomer.id } })).toBe(1);
    expect(await add(newcomer.email)).toEqual({ status: "error", code: "ALREADY_MEMBER" });
    expect(await add(`nobody-${uniqueSuffix()}@example.test`)).toEqual({ status: "error", code: "NO_SUCH_USER" });
    expect(await add("not an e-mail")).toEqual({ status: "invalid", fields: ["email"] });
    expect(takeRevalidated()).toEqual([page()]);
    await removeMemberAction(form({ campaignId: campaign.id, slug: campaign.slug, userId: newcomer.id }));
    expect(await db.campaignMember.count({ where: { campaignId: campaign.id, userId: newcomer.id } })).toBe(0);
    expect(takeRevalidated()).toEqual([page()]);

    const flag = (userId: string, flagged: string) =>
      setAnnotatorFlagAction(IDLE, form({ campaignId: campaign.id, slug: campaign.slug, userId, flagged }));
    expect(await flag(voter.id, "true")).toEqual({ status: "ok" });
    expect(
      (await db.campaignMember.findUniqueOrThrow({ where: { campaignId_userId: { campaignId: campaign.id, userId: voter.id } } })).flagged,
    ).toBe(true);
    expect(takeRevalidated()).toEqual([`${page()}/annotators`]);
    expect(await flag(voter.id, "false")).toEqual({ status: "ok" });
    expect(
      (await db.campaignMember.findUniqueOrThrow({ where: { campaignId_userId: { campaignId: campaign.id, userId: voter.id } } })).flagged,
    ).toBe(false);
    expect(await flag(newcomer.id, "true")).toEqual({ status: "error", code: "NOT_FOUND" });
    expect(await flag(voter.id, "maybe")).toEqual({ status: "error", code: "NOT_FOUND" });
    takeRevalidated();
  });

  it("refuse annotators and researchers of other campaigns, changing nothing", async () => {
    const before = await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    const members = await db.campaignMember.findMany({ where: { campaignId: campaign.id }, orderBy: { userId: "asc" } });
    const attempts = () => [
      updateSettingsAction(IDLE, settingsForm(campaign.id)),
      setStatusAction(IDLE, form({ campaignId: campaign.id, slug: campaign.slug, status: "CLOSED" })),
      addMemberAction(IDLE, form({ campaignId: campaign.id, slug: campaign.slug, email: voter.email })),
      setAnnotatorFlagAction(IDLE, form({ campaignId: campaign.id, slug: campaign.slug, userId: voter.id, flagged: "true" })),
    ];
    await actAs(await createTestUser({ role: "RESEARCHER" }));
    for (const attempt of attempts()) expect(await attempt).toEqual({ status: "error", code: "NOT_FOUND" });
    await removeMemberAction(form({ campaignId: campaign.id, slug: campaign.slug, userId: voter.id }));
    await actAs(voter);
    for (const attempt of [
      () => updateSettingsAction(IDLE, settingsForm(campaign.id)),
      () => removeMemberAction(form({ campaignId: campaign.id, slug: campaign.slug, userId: voter.id })),
    ])
      expect(await interruption(attempt())).toBe(FORBIDDEN);
    expect(await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toEqual(before);
    expect(await db.campaignMember.findMany({ where: { campaignId: campaign.id }, orderBy: { userId: "asc" } })).toEqual(members);
    expect(takeRevalidated()).toEqual([]);
  });
});
