import { randomBytes } from "node:crypto";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";

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
