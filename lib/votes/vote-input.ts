import { z } from "zod";
import { OUTCOMES } from "@/lib/campaigns/options";

/** Assignment ids are 43-character base64url tokens; anything else cannot be one. */
export const assignmentIdSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);

/** A vote as the voting page sends it (POST /api/v1/votes, lib/votes/vote-request.ts). */
export const voteInputSchema = z.object({
  assignmentId: assignmentIdSchema,
  outcome: z.enum(OUTCOMES),
  reason: z.string().max(2000).optional(),
  correctedAnswer: z.string().max(20_000).optional(),
  identityLeak: z.boolean().optional(),
  durationMs: z
    .number()
    .finite()
    .min(0)
    .max(24 * 3600 * 1000),
});
