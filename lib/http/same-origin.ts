import { env } from "@/lib/env";

/**
 * Whether a browser request comes from a page of this app: its Origin header names the host the
 * request was sent to (or NEXTAUTH_URL's origin). Server actions get this check from Next; route
 * handlers that change data from a form (multipart uploads) make it themselves, so a page on
 * another site cannot post to them with the user's cookies even where SameSite does not hold.
 * A request without an Origin is refused: every browser sends one with a POST.
 */
export function fromThisOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = env().HIKAKU_TRUST_PROXY ? request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  const hosts = [forwarded, request.headers.get("host"), env().NEXTAUTH_URL ? new URL(env().NEXTAUTH_URL!).host : undefined];
  return hosts.some((host) => host !== undefined && host !== null && host.toLowerCase() === originHost.toLowerCase());
}
