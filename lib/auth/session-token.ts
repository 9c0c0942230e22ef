import { hkdfSync } from "node:crypto";
import { jwtDecrypt } from "jose";

/**
 * The user id in next-auth's session cookie, checked as next-auth checks it: the JWT decrypted
 * (dir + A256GCM) with the key next-auth derives from the secret, expiry enforced with its 15 s
 * tolerance. getServerSession does this by running next-auth's whole session endpoint — the key
 * derived twice, the token decrypted, a refreshed one encrypted and, in a server component or
 * action, thrown away — about a third of the app's CPU per vote; here the key is derived once.
 */

/**
 * next-auth's session cookie: `__Secure-` prefixed when the app is served over HTTPS (NEXTAUTH_URL
 * https://…; next-auth decides the same way), plain otherwise. Only that one name is read: under
 * HTTPS a plain-named cookie may have been set by anyone who could write a cookie for the site
 * over plain HTTP, which the `__Secure-` prefix rules out.
 */
export function sessionCookieName(appUrl: string | undefined): string {
  return appUrl?.startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}
const keys = new Map<string, Uint8Array>();

/** next-auth 4's JWT encryption key: HKDF-SHA256 of the secret, empty salt, this info string. */
function encryptionKey(secret: string): Uint8Array {
  let key = keys.get(secret);
  if (!key) {
    key = new Uint8Array(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32));
    keys.set(secret, key);
  }
  return key;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every user id this app issues is a uuid; anything else (a token from an older scheme) is nobody. */
export function isUserId(id: string): boolean {
  return UUID.test(id);
}

/** A request's Cookie header as name/value pairs. */
export function cookiesFromHeader(header: string | undefined): { name: string; value: string }[] {
  return (header ?? "").split(";").flatMap((part) => {
    const at = part.indexOf("=");
    if (at <= 0) return [];
    const raw = part.slice(at + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // Not percent-encoded after all: kept as sent.
    }
    return [{ name: part.slice(0, at).trim(), value }];
  });
}

/** The session token (cookie `name`) among the request's cookies, whole or in next-auth's numbered chunks. */
export function sessionTokenFrom(cookies: { name: string; value: string }[], name: string): string | null {
  const whole = cookies.find((cookie) => cookie.name === name);
  if (whole) return whole.value;
  const chunks = cookies
    .map((cookie) => ({
      index: cookie.name.startsWith(`${name}.`) ? Number(cookie.name.slice(name.length + 1)) : NaN,
      value: cookie.value,
    }))
    .filter((chunk) => Number.isInteger(chunk.index))
    .sort((a, b) => a.index - b.index);
  return chunks.length ? chunks.map((chunk) => chunk.value).join("") : null;
}

/** The signed-in user's id from a session token, or null when it is missing, forged or expired. */
export async function sessionUserId(token: string | null, secret: string): Promise<string | null> {
  if (!token) return null;
  try {
    const { payload } = await jwtDecrypt(token, encryptionKey(secret), { clockTolerance: 15 });
    return typeof payload.sub === "string" && payload.sub ? payload.sub : null;
  } catch {
    return null;
  }
}

/**
 * Whose session a plain node:http request carries (the requests scripts/app-server.mjs answers
 * without Next): the user id from its session cookie when it is one this app issues, else null.
 */
export async function requestUserId(cookieHeader: string | undefined, secret: string, cookieName: string): Promise<string | null> {
  const id = await sessionUserId(sessionTokenFrom(cookiesFromHeader(cookieHeader), cookieName), secret);
  return id && isUserId(id) ? id : null;
}
