import { encode } from "next-auth/jwt";
import { sessionCookieName } from "@/lib/auth/session-token";
import { env } from "@/lib/env";

/**
 * Server actions run in Vitest: the two things only Next's request scope provides — the request's
 * cookies and the cache's revalidation — stood in for, so that an action runs its own session
 * check (a real next-auth session cookie, read as lib/auth/session.ts reads it), its validation
 * and its domain call against the test database. A test file routes them here:
 *
 *   vi.mock("next/headers", async () => (await import("@/lib/testing/next-request")).nextHeaders);
 *   vi.mock("next/cache", async () => (await import("@/lib/testing/next-request")).nextCache);
 */

// `forbidden()` works only where Next has turned on `experimental.authInterrupts` (next.config.ts does).
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

let cookieJar: { name: string; value: string }[] = [];
const revalidated: string[] = [];
const cookiesSet: { name: string; value: string; options: Record<string, unknown> }[] = [];

export const nextHeaders = {
  cookies: async () => ({
    getAll: () => cookieJar,
    get: (name: string) => cookieJar.find((cookie) => cookie.name === name),
    set: (name: string, value: string, options: Record<string, unknown> = {}) => void cookiesSet.push({ name, value, options }),
  }),
};

/** The cookies actions set on their response since the last call. */
export function takeCookiesSet(): typeof cookiesSet {
  return cookiesSet.splice(0);
}

export const nextCache = {
  revalidatePath: (path: string) => void revalidated.push(path),
};

/** The next actions run as this user (a session cookie signed with the app's secret), or signed out. */
export async function actAs(user: { id: string } | null): Promise<void> {
  const secret = env().NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set (vitest.env.ts sets one)");
  cookieJar = user ? [{ name: sessionCookieName(env().NEXTAUTH_URL), value: await encode({ token: { sub: user.id }, secret }) }] : [];
}

/** The paths revalidated since the last call. */
export function takeRevalidated(): string[] {
  return revalidated.splice(0);
}

/** A form as the browser posts it. */
export function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

/** Where Next would send the request instead (a redirect's or an HTTP error's digest), from an action that threw it. */
export async function interruption(action: Promise<unknown>): Promise<string> {
  try {
    await action;
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest === "string") return digest;
    throw error;
  }
  throw new Error("the action finished without sending the request elsewhere");
}

export const SIGN_IN_REDIRECT = /^NEXT_REDIRECT;\w+;\/sign-in;/;
export const FORBIDDEN = "NEXT_HTTP_ERROR_FALLBACK;403";
export const NOT_FOUND_PAGE = "NEXT_HTTP_ERROR_FALLBACK;404";
