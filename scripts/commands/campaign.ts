import { readFileSync } from "node:fs";
import { normaliseEmail } from "@/lib/auth/sign-in";
import { db } from "@/lib/db";
import { addMemberByEmail, createCampaign, setCampaignStatus } from "@/lib/campaigns/manage";
import { campaignSettingsSchema, liveSettingsSchema, slugSchema, splitWords, STATUSES, STRATEGIES } from "@/lib/campaigns/settings";
import { goalFromArg } from "../lib/goal-arg";
import { integerOption, parseArgs, required, single, UsageError } from "../lib/cli-args";
import { USAGES } from "./usages";

export const usage = USAGES["campaign"];

const CORRECTIONS: Record<string, "OFF" | "OPTIONAL" | "REQUIRED_AFTER_BOTH_BAD"> = {
  off: "OFF",
  optional: "OPTIONAL",
  required: "REQUIRED_AFTER_BOTH_BAD",
};

async function campaignId(slug: string): Promise<string> {
  const campaign = await db.campaign.findUnique({ where: { slug }, select: { id: true } });
  if (!campaign) throw new UsageError(`There is no campaign "${slug}".`);
  return campaign.id;
}

export async function campaignCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === "create") {
    const { values, flags } = parseArgs(rest, {
      options: [
        "slug",
        "name",
        "owner",
        "target",
        "strategy",
        "goal",
        "daily-cap",
        "min-seconds",
        "instructions-file",
        "corrections",
        "max-turns",
        "prompts-per-hour",
        "max-prompt-chars",
        "blocked-words-file",
      ],
      flags: ["reveal-models", "live"],
    });
    const liveOnly = ["max-turns", "prompts-per-hour", "max-prompt-chars", "blocked-words-file"].find((name) => values.has(name));
    const blockedWordsFile = single(values, "blocked-words-file");
    if (liveOnly && !flags.has("live")) throw new UsageError(`--${liveOnly} applies to live campaigns: add --live.`);
    const live = liveSettingsSchema.safeParse({
      live: flags.has("live"),
      liveMaxTurns: integerOption(values, "max-turns", { min: 1, fallback: undefined }),
      livePromptsPerHour: integerOption(values, "prompts-per-hour", { min: 1, fallback: undefined }),
      livePromptMaxChars: integerOption(values, "max-prompt-chars", { min: 100, fallback: undefined }),
      // One word or phrase per line (or comma-separated): prompts containing one are never sent to a model.
      moderationWords: blockedWordsFile ? splitWords(readFileSync(blockedWordsFile, "utf8")) : undefined,
    });
    if (!live.success) throw new UsageError(live.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    const slug = slugSchema.safeParse(required(values, "slug"));
    if (!slug.success) throw new UsageError("--slug may hold lowercase letters, digits and dashes (2–60 characters).");
    const strategy = single(values, "strategy");
    if (strategy && !(STRATEGIES as readonly string[]).includes(strategy))
      throw new UsageError(`--strategy must be one of ${STRATEGIES.join(", ")}.`);
    const instructionsFile = single(values, "instructions-file");
    const corrections = single(values, "corrections");
    const correctionPolicy = corrections === undefined ? undefined : CORRECTIONS[corrections];
    if (corrections !== undefined && !correctionPolicy) throw new UsageError("--corrections must be off, optional or required.");
    const ownerEmail = single(values, "owner");
    const owner = ownerEmail
      ? await db.user.findUnique({ where: { email: normaliseEmail(ownerEmail) }, select: { id: true, role: true } })
      : null;
    if (ownerEmail && (!owner || owner.role === "ANNOTATOR"))
      throw new UsageError(`--owner must be the e-mail of a researcher or admin account (${ownerEmail} is not).`);
    const settings = campaignSettingsSchema.safeParse({
      name: required(values, "name"),
      targetVotesPerItem: integerOption(values, "target", { min: 1, fallback: undefined }),
      dailyCapPerAnnotator: integerOption(values, "daily-cap", { min: 1, fallback: null }),
      minSecondsPerVote: integerOption(values, "min-seconds", { min: 1, fallback: null }),
      strategy,
      revealModelsAfterVote: flags.has("reveal-models"),
      correctionPolicy,
      instructions: instructionsFile ? readFileSync(instructionsFile, "utf8") : undefined,
      ...goalFromArg(single(values, "goal")),
    });
    if (!settings.success) throw new UsageError(settings.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    const result = await createCampaign(owner?.id ?? null, slug.data, settings.data, live.data);
    if (!result.ok) throw new UsageError(`A campaign with slug "${slug.data}" already exists.`);
    console.log(
      live.data.live
        ? `Created live campaign ${result.slug} (draft). Add two or more models (npm run hikaku -- model add --campaign ${result.slug} …), then: npm run hikaku -- campaign status --slug ${result.slug} --to ACTIVE`
        : `Created campaign ${result.slug} (draft). Import prompts and answers, then: npm run hikaku -- campaign status --slug ${result.slug} --to ACTIVE`,
    );
    return;
  }
  if (action === "status") {
    const { values } = parseArgs(rest, { options: ["slug", "to"] });
    const to = required(values, "to").toUpperCase();
    if (!(STATUSES as readonly string[]).includes(to)) throw new UsageError(`--to must be one of ${STATUSES.join(", ")}.`);
    const result = await setCampaignStatus(null, await campaignId(required(values, "slug")), to as (typeof STATUSES)[number]);
    if (!result.ok)
      throw new UsageError(
        result.code === "NO_ITEMS"
          ? "The campaign has nothing to judge yet: import prompts and at least two models' answers first."
          : result.code === "NO_MODELS"
            ? "A live campaign needs at least two enabled models: add them with `npm run hikaku -- model add` first."
            : `The campaign cannot change to ${to} now.`,
      );
    console.log(`Campaign is now ${to}.`);
    return;
  }
  if (action === "add-member") {
    const { values } = parseArgs(rest, { options: ["slug", "email"] });
    const result = await addMemberByEmail(null, await campaignId(required(values, "slug")), required(values, "email"));
    if (!result.ok && result.code !== "ALREADY_MEMBER") throw new UsageError(`No account has the e-mail ${single(values, "email")}.`);
    console.log(result.ok ? "Added." : "Already a member.");
    return;
  }
  throw new UsageError(`Usage:\n  ${usage}`);
}
