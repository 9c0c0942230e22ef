import "server-only";
import { jsonError } from "@/lib/http/api-response";
import { researchCampaignBySlug, type ResearchCampaign } from "@/lib/campaigns/access";
import { hasRole } from "@/lib/auth/roles";
import { currentUser, type CurrentUser } from "@/lib/auth/session";
import { userForApiToken } from "@/lib/auth/api-tokens";

/**
 * The caller of a route handler: a researcher API token (`Authorization: Bearer hk_…`) or the
 * browser's session. Failures come back as JSON responses: 401 without valid credentials,
 * 403 when the account is not a researcher. A token that is present but wrong never falls back
 * to the session.
 */
export async function researcherFromRequest(request: Request): Promise<{ user: CurrentUser } | { response: Response }> {
  const authorization = request.headers.get("authorization");
  let user: CurrentUser | null;
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    user = match ? await userForApiToken(match[1]) : null;
    if (!user) return { response: jsonError(401, "UNAUTHENTICATED", "invalid, revoked or malformed API token") };
  } else {
    user = await currentUser();
    if (!user) return { response: jsonError(401, "UNAUTHENTICATED", "sign in or send an API token (Authorization: Bearer hk_…)") };
  }
  if (!hasRole(user.role, "RESEARCHER")) return { response: jsonError(403, "FORBIDDEN", "only researchers and admins may use this API") };
  return { user };
}

/** The caller (as above) and the campaign of the route's `slug`, or 404 when they may not see it. */
export async function researchCampaignFromRequest(
  request: Request,
  params: Promise<{ slug: string }>,
): Promise<{ user: CurrentUser; campaign: ResearchCampaign } | { response: Response }> {
  const caller = await researcherFromRequest(request);
  if ("response" in caller) return caller;
  const campaign = await researchCampaignBySlug(caller.user, (await params).slug);
  if (!campaign) return { response: jsonError(404, "NOT_FOUND", "no such campaign") };
  return { user: caller.user, campaign };
}
