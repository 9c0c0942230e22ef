import type { Role } from "@/lib/generated/prisma/enums";
import { sql } from "@/lib/db";
import { noteRequestUser } from "@/lib/log";

export interface CurrentUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
}

/**
 * The user a session names as the database sees them now (role changes and disabling take effect
 * on the next request, whatever the JWT says), or null when the account is gone or disabled.
 */
export async function activeUser(id: string): Promise<CurrentUser | null> {
  const [user] = await sql.$queryRaw<(CurrentUser & { disabled: boolean })[]>`
    SELECT id, email, "displayName", role::text AS role, disabled FROM "User" WHERE id = ${id}::uuid`;
  if (!user || user.disabled) return null;
  noteRequestUser(user.id);
  return { id: user.id, email: user.email, displayName: user.displayName, role: user.role };
}
