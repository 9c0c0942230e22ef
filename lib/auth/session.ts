import "server-only";
import { getServerSession } from "next-auth";
import { cookies } from "next/headers";
import { forbidden, notFound, redirect } from "next/navigation";
import { cache } from "react";
import { env } from "@/lib/env";
import { poolSql } from "@/lib/pg";
import type { Role } from "@/lib/generated/prisma/enums";
import { authOptions } from "./options";
import { hasRole } from "./roles";
import { sessionTokenFrom, sessionUserId } from "./session-token";

export interface CurrentUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
}

/**
 * The signed-in user as the database sees them now (role changes and disabling take effect on
 * the next request, whatever the JWT says), or null. Cached per request.
 */
export const currentUser = cache(async (): Promise<CurrentUser | null> => {
  const id = await signedInUserId();
  if (!id) return null;
  const [user] = await poolSql().$queryRaw<(CurrentUser & { disabled: boolean })[]>`
    SELECT id, email, "displayName", role::text AS role, disabled FROM "User" WHERE id = ${id}::uuid`;
  if (!user || user.disabled) return null;
  return { id: user.id, email: user.email, displayName: user.displayName, role: user.role };
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whose session cookie this request carries (lib/auth/session-token.ts), or null. */
async function signedInUserId(): Promise<string | null> {
  const secret = env().NEXTAUTH_SECRET;
  // Without a configured secret (development only) next-auth makes one up: let it decide.
  const id = secret
    ? await sessionUserId(sessionTokenFrom((await cookies()).getAll()), secret)
    : (await getServerSession(authOptions))?.user?.id;
  // Every id this app issues is a uuid; anything else (a token from an older scheme) is nobody.
  return id && UUID.test(id) ? id : null;
}

/** For pages and server actions: signed-out users go to sign-in, users without the role get the 403 page. */
export async function requireRole(role: Role): Promise<CurrentUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  if (!hasRole(user.role, role)) forbidden();
  return user;
}

/**
 * For results pages (leaderboards, correlations, annotator quality): researchers and admins.
 * Anyone else gets the 404 page, not 403: annotators must not even learn that rankings exist.
 */
export async function requireResultsViewer(): Promise<CurrentUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  if (!hasRole(user.role, "RESEARCHER")) notFound();
  return user;
}
