import { z } from "zod";
import { DEFAULT_IDENTITY_WORDS } from "./default-identity-words";

import { CORRECTION_POLICIES, OUTCOMES, REASON_POLICIES, SLUG_PATTERN, STOP_TARGETS, STRATEGIES } from "./options";

export { CORRECTION_POLICIES, OUTCOMES, REASON_POLICIES, STATUSES, STOP_TARGETS, STRATEGIES } from "./options";

export const slugSchema = z
  .string()
  .trim()
  .min(2)
  .max(60)
  .regex(new RegExp(`^(?:${SLUG_PATTERN})$`), "lowercase letters, digits and dashes");

/** Everything a researcher can set on a campaign; defaults are what a new campaign gets. */
export const campaignSettingsSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    instructions: z.string().max(20_000).default(""),
    language: z.enum(["ja", "en"]).default("ja"),
    allowedOutcomes: z
      .array(z.enum(OUTCOMES))
      .default(["LEFT", "RIGHT", "TIE", "BOTH_BAD"])
      .refine((o) => o.includes("LEFT") && o.includes("RIGHT"), "A better and B better are always allowed")
      .transform((o) => OUTCOMES.filter((outcome) => o.includes(outcome))),
    reasonPolicy: z.enum(REASON_POLICIES).default("OPTIONAL"),
    revealModelsAfterVote: z.boolean().default(false),
    correctionPolicy: z.enum(CORRECTION_POLICIES).default("OFF"),
    strategy: z.enum(STRATEGIES).default("BALANCED"),
    targetVotesPerItem: z.number().int().min(1).max(1000).default(3),
    dailyCapPerAnnotator: z.number().int().min(1).max(100_000).nullable().default(null),
    minSecondsPerVote: z.number().int().min(1).max(3600).nullable().default(null),
    assignmentTtlSeconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(1800),
    identityWords: z
      .array(z.string().trim().min(1).max(100))
      .max(500)
      .default(DEFAULT_IDENTITY_WORDS)
      .transform((words) => [...new Set(words)]),
    stopTarget: z.enum(STOP_TARGETS).nullable().default(null),
    /** k for TOP, δ (Elo points) for ADJACENT, the number of votes for VOTES. */
    stopTargetValue: z.number().finite().nullable().default(null),
  })
  .superRefine((settings, context) => {
    const value = settings.stopTargetValue;
    const problem = stopTargetProblem(settings.stopTarget, value);
    if (problem) context.addIssue({ code: "custom", path: ["stopTargetValue"], message: problem });
  })
  // Without a target, no value is kept.
  .transform((settings) => (settings.stopTarget ? settings : { ...settings, stopTargetValue: null }));

/** Why a stopping target's value does not fit its kind, or null. */
export function stopTargetProblem(kind: (typeof STOP_TARGETS)[number] | null, value: number | null): string | null {
  if (kind === null) return null;
  if (value === null) return "a stopping target needs its value";
  if (kind === "TOP" && !(Number.isInteger(value) && value >= 1 && value <= 50)) return "the top k: k is a whole number from 1 to 50";
  if (kind === "ADJACENT" && !(value > 0 && value <= 400)) return "δ is above 0 and at most 400 points";
  if (kind === "VOTES" && !(Number.isInteger(value) && value >= 1 && value <= 10_000_000))
    return "a whole number of votes from 1 to 10,000,000";
  return null;
}

export type CampaignSettings = z.infer<typeof campaignSettingsSchema>;

/** Live mode is chosen when a campaign is created; its limits come with it. */
export const liveSettingsSchema = z.object({
  live: z.boolean().default(false),
  liveMaxTurns: z.number().int().min(1).max(20).default(3),
  livePromptsPerHour: z.number().int().min(1).max(10_000).default(30),
  livePromptMaxChars: z.number().int().min(100).max(100_000).default(4000),
  moderationWords: z.array(z.string().trim().min(1).max(100)).max(1000).default([]),
});

export type LiveSettings = z.infer<typeof liveSettingsSchema>;

/** A live campaign's limits, which its settings form can change later (live mode itself cannot). */
export const liveLimitsSchema = liveSettingsSchema.omit({ live: true });

export type LiveLimits = z.infer<typeof liveLimitsSchema>;

/** Identity words are typed one per line or comma-separated. */
export function splitWords(text: string): string[] {
  return text
    .split(/[\n,、]/)
    .map((w) => w.trim())
    .filter(Boolean);
}
