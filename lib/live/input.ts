import { z } from "zod";
import { assignmentIdSchema } from "@/lib/votes/vote-input";

/** Battle ids, like assignment ids, are random tokens (lib/auth/tokens.ts). */
export const battleIdSchema = assignmentIdSchema;

export const livePromptSchema = z.object({
  campaignId: z.uuid(),
  prompt: z.string().max(100_000),
});

export const followUpSchema = z.object({
  assignmentId: assignmentIdSchema,
  prompt: z.string().max(100_000),
});

/** The worker API's bodies. */
export const workerChunkSchema = z.object({ delta: z.string().max(1_000_000) }).strict();
export const workerAnswerSchema = z.union([
  z.object({ content: z.string().max(2_000_000) }).strict(),
  z.object({ error: z.string().min(1).max(10_000) }).strict(),
]);

/** The voting page's live request: a first prompt in a campaign, or a follow-up on the battle being judged. */
export const liveTurnSchema = z.union([livePromptSchema.strict(), followUpSchema.strict()]);
