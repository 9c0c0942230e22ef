import "server-only";
import { getServerSession } from "next-auth";
import { cookies } from "next/headers";
import { forbidden, notFound, redirect } from "next/navigation";
import { cache } from "react";
import { env } from "@/lib/env";
import type { Role } from "@/lib/generated/prisma/enums";
import { activeUser, type CurrentUser } from "./active-user";
import { authOptions } from "./options";
import { hasRole } from "./roles";
import { isUserId, sessionCookieName, sessionTokenFrom, sessionUserId } from "./session-token";
import type { SignedJsonRequest } from "@/lib/http/node-json";

export type { CurrentUser } from "./active-user";

/** The signed-in user as the database sees them now (`activeUser`), or null. Cached per request. */
export const currentUser = cache(async (): Promise<CurrentUser | null> => {
  const id = await signedInUserId();
  return id ? activeUser(id) : null;
});

/**
 * Whose session cookie this request carries (lib/auth/session-token.ts), or null — not whether
 * the account is still active: `currentUser` checks that, or the caller's own statements do.
 */
export async function signedInUserId(): Promise<string | null> {
  const secret = env().NEXTAUTH_SECRET;
  // Without a configured secret (development only) next-auth makes one up: let it decide.
  const id = secret
    ? await sessionUserId(sessionTokenFrom((await cookies()).getAll(), sessionCookieName(env().NEXTAUTH_URL)), secret)
    : (await getServerSession(authOptions))?.user?.id;
  return id && isUserId(id) ? id : null;
}

/** A route handler's request as the voting page's steps read it (lib/http/node-json.ts), for `next dev`. */
export async function signedJsonRequest(request: Request): Promise<SignedJsonRequest> {
  return {
    userId: await signedInUserId(),
    contentType: request.headers.get("content-type"),
    json: () => request.json().catch(() => undefined),
  };
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
