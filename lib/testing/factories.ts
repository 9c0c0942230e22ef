import { randomBytes } from "node:crypto";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";
import { importRows } from "@/lib/imports/write";

/** Small builders for integration tests: each test creates the rows it needs, with unique names. */

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
}

export const TEST_PASSWORD = "a-long-enough-password";

export async function createTestUser(overrides: { role?: Role; disabled?: boolean; password?: string; email?: string } = {}) {
  const email = overrides.email ?? `user-${uniqueSuffix()}@example.test`;
  return db.user.create({
    data: {
      email,
      displayName: email.split("@")[0],
      passwordHash: await hashPassword(overrides.password ?? TEST_PASSWORD),
      role: overrides.role ?? "ANNOTATOR",
      disabled: overrides.disabled ?? false,
    },
  });
}

export async function createTestCampaign(overrides: { status?: "DRAFT" | "ACTIVE" | "CLOSED" } = {}) {
  const slug = `campaign-${uniqueSuffix()}`;
  return db.campaign.create({ data: { slug, name: `Campaign ${slug}`, status: overrides.status ?? "ACTIVE" } });
}

/** A fresh, unique client address so throttling by IP in one test does not leak into another. */
export function testIp(): string {
  const bytes = randomBytes(3);
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

/** The factory's answer of model number `model` to prompt `prompt`: it never names the model (that would block the pair). */
export function answerText(model: number, prompt: number): string {
  return `Answer number ${model} to question ${prompt}`;
}

/** Which model (its number in `modelNames`) wrote a factory answer. */
export function modelNumberOf(answer: string): number {
  const match = /^Answer number (\d+) /.exec(answer);
  if (!match) throw new Error(`not a factory answer: ${answer}`);
  return Number(match[1]);
}

/**
 * An active campaign with `prompts` prompts answered by `models` models (every pair an item) and
 * the given annotators as members, built through the real import.
 */
/** `n` annotator accounts. */
export async function createAnnotators(n: number) {
  return Promise.all(Array.from({ length: n }, () => createTestUser({ role: "ANNOTATOR" })));
}

export async function createVotingCampaign(options: {
  prompts: number;
  models: number;
  annotators: string[];
  settings?: Partial<{
    targetVotesPerItem: number;
    dailyCapPerAnnotator: number | null;
    strategy: "BALANCED" | "ACTIVE" | "UNIFORM";
    revealModelsAfterVote: boolean;
    reasonPolicy: "HIDDEN" | "OPTIONAL" | "REQUIRED";
    allowedOutcomes: ("LEFT" | "RIGHT" | "TIE" | "BOTH_BAD" | "BOTH_GOOD")[];
    assignmentTtlSeconds: number;
    identityWords: string[];
  }>;
}) {
  const campaign = await createTestCampaign({ status: "DRAFT" });
  if (options.settings) await db.campaign.update({ where: { id: campaign.id }, data: options.settings });
  const suffix = uniqueSuffix();
  const modelNames = Array.from({ length: options.models }, (_, m) => `model-${suffix}-${m}`);
  const rows = [];
  for (let p = 0; p < options.prompts; p++) {
    for (const [m, model] of modelNames.entries()) {
      rows.push({
        line: rows.length + 1,
        source: "factory",
        promptId: `p${p}`,
        turns: [`Question ${p}?`],
        model,
        outputTurns: [answerText(m, p)],
      });
    }
  }
  await importRows(null, campaign.id, rows);
  await db.campaign.update({ where: { id: campaign.id }, data: { status: "ACTIVE" } });
  await db.campaignMember.createMany({ data: options.annotators.map((userId) => ({ campaignId: campaign.id, userId })) });
  return { campaign, modelNames };
}
