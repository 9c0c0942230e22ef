import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createAnnotators, createTestCampaign, createTestUser, createVotingCampaign, uniqueSuffix } from "@/lib/testing/factories";
import { canResearchCampaign, researchCampaignBySlug } from "./access";
import { campaignCategories } from "./categories";
import { setAnnotatorFlag } from "./flags";
import { addMemberByEmail, createCampaign, removeMember, setCampaignStatus, updateCampaignSettings } from "./manage";
import {
  campaignDetailBySlug,
  campaignExists,
  campaignsOfMember,
  listCampaignChoices,
  listCampaignSummaries,
  votingCampaignBySlug,
} from "./queries";
import { campaignSettingsSchema, liveLimitsSchema, liveSettingsSchema } from "./settings";

/**
 * The campaign module's paths that only the browser tests used to reach: creating, opening and
 * closing, members, who may research what, the page queries (the settings' rules are in
 * settings.test.ts). Each was a surviving mutant (docs/testing.md).
 */

const NO_ID = "00000000-0000-4000-8000-000000000000";

async function auditOf(subjectId: string, action: string) {
  return db.auditEvent.findFirst({ where: { subjectId, action }, orderBy: { id: "desc" } });
}

describe("creating, opening and closing a campaign", () => {
  it("creates a campaign with its owner and live settings, audited, and refuses a slug that is taken", async () => {
    const owner = await createTestUser({ role: "RESEARCHER" });
    const slug = `created-${uniqueSuffix()}`;
    const created = await createCampaign(
      owner.id,
      slug,
      campaignSettingsSchema.parse({ name: "Made" }),
      liveSettingsSchema.parse({ live: true }),
    );
    if (!created.ok) throw new Error(created.code);
    expect(created.slug).toBe(slug);
    expect(await db.campaign.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({
      createdById: owner.id,
      live: true,
      name: "Made",
    });
    expect(await auditOf(created.id, "campaign.created")).toMatchObject({
      actorId: owner.id,
      subjectType: "Campaign",
      data: { slug, live: true },
    });
    const plain = await createCampaign(owner.id, `plain-${uniqueSuffix()}`, campaignSettingsSchema.parse({ name: "Plain" }));
    if (!plain.ok) throw new Error(plain.code);
    expect(await auditOf(plain.id, "campaign.created")).toMatchObject({ data: { live: false } });
    expect(await createCampaign(owner.id, slug, campaignSettingsSchema.parse({ name: "Again" }))).toEqual({
      ok: false,
      code: "SLUG_TAKEN",
    });
  });

  it("opens a draft only with pairs to serve, closes and reopens it, and never goes back to draft", async () => {
    const empty = await createTestCampaign({ status: "DRAFT" });
    expect(await setCampaignStatus(null, empty.id, "ACTIVE")).toEqual({ ok: false, code: "NO_ITEMS" });
    expect(await setCampaignStatus(null, empty.id, "CLOSED")).toEqual({ ok: false, code: "BAD_TRANSITION" });
    expect(await setCampaignStatus(null, NO_ID, "ACTIVE")).toEqual({ ok: false, code: "NOT_FOUND" });

    const { campaign } = await createVotingCampaign({ prompts: 1, models: 2, annotators: [] });
    await db.campaign.update({ where: { id: campaign.id }, data: { status: "DRAFT" } });
    const researcher = await createTestUser({ role: "RESEARCHER" });
    expect(await setCampaignStatus(researcher.id, campaign.id, "ACTIVE")).toEqual({ ok: true });
    expect((await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("ACTIVE");
    expect(await auditOf(campaign.id, "campaign.active")).toMatchObject({ actorId: researcher.id, subjectType: "Campaign" });
    expect(await setCampaignStatus(researcher.id, campaign.id, "ACTIVE")).toEqual({ ok: false, code: "BAD_TRANSITION" });
    expect(await setCampaignStatus(researcher.id, campaign.id, "DRAFT")).toEqual({ ok: false, code: "BAD_TRANSITION" });
    expect(await setCampaignStatus(researcher.id, campaign.id, "CLOSED")).toEqual({ ok: true });
    expect(await auditOf(campaign.id, "campaign.closed")).toMatchObject({ actorId: researcher.id });
    expect(await setCampaignStatus(researcher.id, campaign.id, "DRAFT")).toEqual({ ok: false, code: "BAD_TRANSITION" });
    expect(await setCampaignStatus(researcher.id, campaign.id, "ACTIVE")).toEqual({ ok: true });
  });

  it("opens a live campaign only with two enabled models", async () => {
    const created = await createCampaign(
      null,
      `live-${uniqueSuffix()}`,
      campaignSettingsSchema.parse({ name: "Live" }),
      liveSettingsSchema.parse({ live: true }),
    );
    if (!created.ok) throw new Error(created.code);
    expect(await setCampaignStatus(null, created.id, "ACTIVE")).toEqual({ ok: false, code: "NO_MODELS" });
    const suffix = uniqueSuffix();
    const models = await Promise.all(["one", "two"].map((name) => db.model.create({ data: { name: `live-${name}-${suffix}` } })));
    await db.modelEndpoint.create({ data: { campaignId: created.id, modelId: models[0].id, kind: "PULLED" } });
    await db.modelEndpoint.create({ data: { campaignId: created.id, modelId: models[1].id, kind: "PULLED", enabled: false } });
    expect(await setCampaignStatus(null, created.id, "ACTIVE")).toEqual({ ok: false, code: "NO_MODELS" });
    await db.modelEndpoint.updateMany({ where: { campaignId: created.id }, data: { enabled: true } });
    expect(await setCampaignStatus(null, created.id, "ACTIVE")).toEqual({ ok: true });
  });

  it("blocks the pairs an added identity word shows up in, when the settings change the word list", async () => {
    const { campaign } = await createVotingCampaign({ prompts: 1, models: 2, annotators: [] });
    const before = await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    // The factory's answers say "Answer 0 …": a word only they contain.
    const settings = campaignSettingsSchema.parse({ ...before, identityWords: [...before.identityWords, "Answer"] });
    expect(await updateCampaignSettings(null, campaign.id, settings)).toEqual({ ok: true, id: campaign.id, slug: campaign.slug });
    expect(await db.item.count({ where: { campaignId: campaign.id, blocked: true } })).toBe(1);
    expect((await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).itemCount).toBe(0);
  });
});

describe("a live campaign's limits", () => {
  it("change with its settings, audited, and are left alone for a campaign that is not live", async () => {
    const live = await createCampaign(
      null,
      `limits-${uniqueSuffix()}`,
      campaignSettingsSchema.parse({ name: "Limits" }),
      liveSettingsSchema.parse({ live: true }),
    );
    if (!live.ok) throw new Error(live.code);
    const settings = campaignSettingsSchema.parse({ name: "Limits" });
    const limits = liveLimitsSchema.parse({
      liveMaxTurns: 5,
      livePromptsPerHour: 12,
      livePromptMaxChars: 900,
      moderationWords: ["secret"],
    });
    expect(await updateCampaignSettings(null, live.id, settings, limits)).toMatchObject({ ok: true });
    expect(await db.campaign.findUniqueOrThrow({ where: { id: live.id } })).toMatchObject(limits);
    expect((await auditOf(live.id, "campaign.updated"))?.data).toMatchObject({
      changes: {
        liveMaxTurns: { from: 3, to: 5 },
        livePromptsPerHour: { from: 30, to: 12 },
        moderationWords: { from: [], to: ["secret"] },
      },
    });
    const plain = await createTestCampaign();
    expect(await updateCampaignSettings(null, plain.id, settings, limits)).toMatchObject({ ok: true });
    expect(await db.campaign.findUniqueOrThrow({ where: { id: plain.id } })).toMatchObject({ liveMaxTurns: 3, moderationWords: [] });
  });
});

describe("members", () => {
  it("adds an account by e-mail once, in any case, and removes it once, each audited", async () => {
    const campaign = await createTestCampaign();
    const [annotator] = await createAnnotators(1);
    const actor = await createTestUser({ role: "RESEARCHER" });
    expect(await addMemberByEmail(actor.id, campaign.id, `  ${annotator.email.toUpperCase()} `)).toEqual({ ok: true });
    expect(await db.campaignMember.count({ where: { campaignId: campaign.id, userId: annotator.id } })).toBe(1);
    expect(await auditOf(campaign.id, "campaign.member_added")).toMatchObject({
      actorId: actor.id,
      subjectType: "Campaign",
      data: { userId: annotator.id },
    });
    expect(await addMemberByEmail(actor.id, campaign.id, annotator.email)).toEqual({ ok: false, code: "ALREADY_MEMBER" });
    expect(await addMemberByEmail(actor.id, campaign.id, "nobody@example.test")).toEqual({ ok: false, code: "NO_SUCH_USER" });
    expect(await removeMember(actor.id, campaign.id, annotator.id)).toEqual({ ok: true });
    expect(await db.campaignMember.count({ where: { campaignId: campaign.id } })).toBe(0);
    expect(await auditOf(campaign.id, "campaign.member_removed")).toMatchObject({
      actorId: actor.id,
      subjectType: "Campaign",
      data: { userId: annotator.id },
    });
    expect(await removeMember(actor.id, campaign.id, annotator.id)).toEqual({ ok: false, code: "NOT_MEMBER" });
  });
});

describe("flagging an annotator", () => {
  it("flags and unflags a member, each audited and each making cached results stale, and refuses someone who is not a member", async () => {
    const campaign = await createTestCampaign();
    const [annotator, stranger] = await createAnnotators(2);
    const actor = await createTestUser({ role: "RESEARCHER" });
    await db.campaignMember.create({ data: { campaignId: campaign.id, userId: annotator.id } });
    const state = async () => ({
      flagged: (
        await db.campaignMember.findUniqueOrThrow({ where: { campaignId_userId: { campaignId: campaign.id, userId: annotator.id } } })
      ).flagged,
      version: (await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).resultsVersion,
    });
    const before = await state();

    expect(await setAnnotatorFlag(actor.id, campaign.id, annotator.id, true)).toBe(true);
    expect(await state()).toEqual({ flagged: true, version: before.version + 1 });
    expect(await auditOf(campaign.id, "annotator.flagged")).toMatchObject({
      actorId: actor.id,
      subjectType: "Campaign",
      data: { userId: annotator.id },
    });

    expect(await setAnnotatorFlag(actor.id, campaign.id, annotator.id, false)).toBe(true);
    expect(await state()).toEqual({ flagged: false, version: before.version + 2 });
    expect(await auditOf(campaign.id, "annotator.unflagged")).toMatchObject({
      actorId: actor.id,
      subjectType: "Campaign",
      data: { userId: annotator.id },
    });

    expect(await setAnnotatorFlag(actor.id, campaign.id, stranger.id, true)).toBe(false);
    expect(await state()).toEqual({ flagged: false, version: before.version + 2 });
    expect(await db.campaignMember.count({ where: { campaignId: campaign.id, userId: stranger.id } })).toBe(0);
    expect(await db.auditEvent.count({ where: { subjectId: campaign.id } })).toBe(2);
  });
});

describe("who may research a campaign, and the pages' queries", () => {
  it("lets admins research every campaign, researchers their own and those they belong to, annotators none", async () => {
    const [owner, colleague, stranger, admin] = await Promise.all([
      createTestUser({ role: "RESEARCHER" }),
      createTestUser({ role: "RESEARCHER" }),
      createTestUser({ role: "RESEARCHER" }),
      createTestUser({ role: "ADMIN" }),
    ]);
    const [annotator] = await createAnnotators(1);
    const created = await createCampaign(owner.id, `owned-${uniqueSuffix()}`, campaignSettingsSchema.parse({ name: "Owned" }));
    if (!created.ok) throw new Error(created.code);
    await db.campaignMember.createMany({ data: [colleague, annotator].map((u) => ({ campaignId: created.id, userId: u.id })) });
    const may = async (user: { id: string; role: "ADMIN" | "RESEARCHER" | "ANNOTATOR" }) => [
      await canResearchCampaign(user, created.id),
      (await researchCampaignBySlug(user, created.slug))?.id ?? null,
      (await listCampaignSummaries(user)).some((c) => c.id === created.id),
    ];
    expect(await may(owner)).toEqual([true, created.id, true]);
    expect(await may(colleague)).toEqual([true, created.id, true]);
    expect(await may(admin)).toEqual([true, created.id, true]);
    expect(await may(stranger)).toEqual([false, null, false]);
    expect(await may(annotator)).toEqual([false, null, false]);
    expect(await canResearchCampaign(admin, NO_ID)).toBe(false);
  });

  it("lists campaigns newest first with their sizes, an annotator's own campaigns, and the open ones to choose from", async () => {
    const owner = await createTestUser({ role: "RESEARCHER" });
    const [annotator] = await createAnnotators(1);
    const { campaign } = await createVotingCampaign({ prompts: 2, models: 3, annotators: [annotator.id] });
    await db.campaign.update({ where: { id: campaign.id }, data: { createdById: owner.id } });
    const closed = await createCampaign(owner.id, `closed-${uniqueSuffix()}`, campaignSettingsSchema.parse({ name: "Zz closed" }));
    if (!closed.ok) throw new Error(closed.code);
    await db.campaign.update({ where: { id: closed.id }, data: { status: "CLOSED" } });
    const summaries = await listCampaignSummaries(owner);
    expect(summaries.map((s) => s.id)).toEqual([closed.id, campaign.id]);
    expect(summaries[1]).toEqual({
      id: campaign.id,
      slug: campaign.slug,
      name: campaign.name,
      status: "ACTIVE",
      prompts: 2,
      votes: 0,
      members: 1,
    });
    expect(await campaignsOfMember(annotator.id)).toEqual([{ slug: campaign.slug, name: campaign.name, status: "ACTIVE" }]);
    const choices = await listCampaignChoices();
    expect(choices.some((c) => c.id === campaign.id)).toBe(true);
    expect(choices.some((c) => c.id === closed.id)).toBe(false);
    // By name: the open campaign named "…a" before the one named "…b" (collation aside).
    const suffix = uniqueSuffix();
    for (const letter of ["b", "a"])
      await createCampaign(owner.id, `choice-${letter}-${suffix}`, campaignSettingsSchema.parse({ name: `Choice ${suffix} ${letter}` }));
    const names = (await listCampaignChoices()).map((c) => c.name).filter((name) => name.startsWith(`Choice ${suffix}`));
    expect(names).toEqual([`Choice ${suffix} a`, `Choice ${suffix} b`]);
    expect(await campaignExists(campaign.id)).toBe(true);
    expect(await campaignExists(NO_ID)).toBe(false);
  });

  it("shows the voting page a campaign's own settings for its members only, and the campaign page its counts and members", async () => {
    const [member, outsider] = await createAnnotators(2);
    const { campaign } = await createVotingCampaign({ prompts: 2, models: 3, annotators: [member.id] });
    expect(await votingCampaignBySlug(campaign.slug, member.id)).toMatchObject({ id: campaign.id, live: false, reasonPolicy: "OPTIONAL" });
    expect(await votingCampaignBySlug(campaign.slug, outsider.id)).toBeNull();
    const detail = await campaignDetailBySlug(campaign.slug);
    expect(detail).toMatchObject({ id: campaign.id, counts: { prompts: 2, models: 3, items: 6, votes: 0 }, itemCount: 6 });
    expect(detail!.members).toEqual([
      { userId: member.id, email: member.email, displayName: member.displayName, role: "ANNOTATOR", flagged: false },
    ]);
    expect(await campaignDetailBySlug(`missing-${uniqueSuffix()}`)).toBeNull();
  });

  it("offers the prompts' categories and those imported votes brought, each once, sorted", async () => {
    const campaign = await createTestCampaign();
    await db.campaign.update({ where: { id: campaign.id }, data: { voteCategories: ["writing", "coding"] } });
    await db.prompt.createMany({
      data: [
        { campaignId: campaign.id, externalId: "a", turns: ["A?"], category: "math" },
        { campaignId: campaign.id, externalId: "b", turns: ["B?"], category: "writing" },
        { campaignId: campaign.id, externalId: "c", turns: ["C?"] },
      ],
    });
    expect(await campaignCategories(campaign.id)).toEqual(["coding", "math", "writing"]);
    expect(await campaignCategories(NO_ID)).toEqual([]);
  });
});
