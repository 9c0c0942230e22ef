import type { Role } from "@/lib/generated/prisma/enums";

const RANK: Record<Role, number> = { ANNOTATOR: 1, RESEARCHER: 2, ADMIN: 3 };

/** Roles nest: an admin can do what a researcher can, a researcher what an annotator can. */
export function hasRole(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

export const ROLES = ["ADMIN", "RESEARCHER", "ANNOTATOR"] as const satisfies readonly Role[];

/** Where each role lands after signing in. */
export function homePathFor(role: Role): string {
  if (role === "ADMIN") return "/admin/users";
  if (role === "RESEARCHER") return "/campaigns";
  return "/vote";
}
