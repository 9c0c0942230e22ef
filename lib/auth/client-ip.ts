import "server-only";
import { env } from "@/lib/env";

/**
 * The client's address for sign-in throttling, or null when it cannot be known.
 *
 * - Behind a proxy (HIKAKU_TRUST_PROXY=1): the last X-Forwarded-For entry, the one the proxy
 *   nearest to the app appended (entries before it are whatever the client wrote).
 * - Otherwise: the address of the connection itself, which scripts/app-server.mjs (what `npm
 *   start` and the Docker image run) passes in a header signed with a token only this process
 *   knows, so a client cannot set it. X-Forwarded-For is ignored: any client can write one.
 */
export const PEER_HEADER = "x-hikaku-peer-address";

type HeaderSource = Record<string, string | string[] | undefined> | Headers;

function header(headers: HeaderSource, name: string): string | undefined {
  const raw = headers instanceof Headers ? (headers.get(name) ?? undefined) : headers[name];
  return Array.isArray(raw) ? raw.join(",") : raw;
}

export function clientIp(headers: HeaderSource, trustProxy = env().HIKAKU_TRUST_PROXY): string | null {
  if (trustProxy) return header(headers, "x-forwarded-for")?.split(",").at(-1)?.trim() || null;
  const token = process.env.HIKAKU_PEER_TOKEN;
  const value = header(headers, PEER_HEADER);
  if (!token || !value?.startsWith(`${token} `)) return null;
  return value.slice(token.length + 1).trim() || null;
}
