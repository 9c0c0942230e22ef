import "server-only";
import { getServerSession } from "next-auth";
import { forbidden, notFound, redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";
import { authOptions } from "./options";
import { hasRole } from "./roles";

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
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  if (!id) return null;
  const user = await db.user.findUnique({
    where: { id },
    select: { id: true, email: true, displayName: true, role: true, disabled: true },
  });
  if (!user || user.disabled) return null;
  return { id: user.id, email: user.email, displayName: user.displayName, role: user.role };
});

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
