import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP } from "node:net";
import { Agent, buildConnector, fetch as undiciFetch, type RequestInit as UndiciRequestInit, type Response } from "undici";
import { env } from "@/lib/env";
import { streamTextCapped } from "@/lib/http/web-body";
import { destinationRefusal, specialAddressKind, urlShapeProblem, type AllowRule } from "./addresses";

/**
 * Every call the server makes to an address someone typed (model endpoints; the moderation
 * service; LLM judges) goes through here:
 * - the URL is a base URL and nothing else: http(s), no query, no fragment (a trailing `#` once
 *   hid the path Hikaku appends), no user name or password;
 * - each connection is checked against the address it actually goes to, resolved at that moment
 *   (so a name that resolves to a public address when checked and to 127.0.0.1 when used — DNS
 *   rebinding — is still refused), and loopback, private, link-local, unique-local and metadata
 *   addresses are refused unless HIKAKU_ALLOWED_MODEL_HOSTS allows them;
 * - redirects are refused, and bodies are read only up to a cap (`readCapped`).
 * Nothing of a refused or failed call's reply is passed on: callers get a status and a short cause.
 */

export class OutboundRefused extends Error {}

function portOf(url: URL): number {
  return Number(url.port) || (url.protocol === "https:" ? 443 : 80);
}

function lookupAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );
}

/** The operator's allowed hosts (HIKAKU_ALLOWED_MODEL_HOSTS). */
export function allowedHostRules(): AllowRule[] {
  return env().HIKAKU_ALLOWED_MODEL_HOSTS;
}

export type DestinationProblem =
  { reason: "URL_SHAPE"; message: string } | { reason: "ADDRESS_REFUSED"; host: string; address: string; kind: string; message: string };

/**
 * Why a model's base URL cannot be used, checked when it is entered: its shape, and where its host
 * resolves now. A host that does not resolve yet is accepted (every connection is checked again).
 */
export async function destinationProblem(url: string, rules: AllowRule[] = allowedHostRules()): Promise<DestinationProblem | null> {
  const shape = urlShapeProblem(url);
  if (shape) return { reason: "URL_SHAPE", message: `the URL ${shape}` };
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const port = portOf(parsed);
  const addresses = isIP(host)
    ? [host]
    : await lookupAll(host).then(
        (found) => found.map((a) => a.address),
        () => [],
      );
  for (const address of addresses) {
    const message = destinationRefusal(rules, { host, port, address });
    if (message) return { reason: "ADDRESS_REFUSED", host, address, kind: specialAddressKind(address) ?? "special", message };
  }
  return null;
}

/** A connector that checks every address a connection would go to before it is opened. */
function guardedConnector(rules: AllowRule[]): buildConnector.connector {
  const direct = buildConnector({ timeout: 10_000 });
  return (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, "");
    const port = Number(options.port) || (options.protocol === "https:" ? 443 : 80);
    if (isIP(host)) {
      const refusal = destinationRefusal(rules, { host, port, address: host });
      if (refusal) return callback(new OutboundRefused(refusal), null);
      return direct(options, callback);
    }
    const connect = buildConnector({
      timeout: 10_000,
      lookup: (hostname, lookupOptions, done) => {
        dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
          if (error) return done(error, [] as never, undefined as never);
          const refused = addresses.map((a) => destinationRefusal(rules, { host, port, address: a.address })).find(Boolean);
          if (refused) return done(new OutboundRefused(refused), [] as never, undefined as never);
          if ((lookupOptions as { all?: boolean }).all) return (done as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
          done(null, addresses[0].address, addresses[0].family);
        });
      },
    });
    connect(options, callback);
  };
}

const agents = new WeakMap<AllowRule[], Agent>();

function agentFor(rules: AllowRule[]): Agent {
  let agent = agents.get(rules);
  if (!agent) {
    agent = new Agent({ connect: guardedConnector(rules) });
    agents.set(rules, agent);
  }
  return agent;
}

export interface OutboundOptions {
  /** Rules to check against instead of HIKAKU_ALLOWED_MODEL_HOSTS (the operator's own moderation service adds its host). */
  rules?: AllowRule[];
}

/** `fetch` for addresses someone typed: checked URL, checked connections, no redirects. */
export async function outboundFetch(url: string, init: UndiciRequestInit, options: OutboundOptions = {}): Promise<Response> {
  const shape = urlShapeProblem(url);
  if (shape) throw new OutboundRefused(`the URL ${shape}`);
  return undiciFetch(url, { ...init, redirect: "error", dispatcher: agentFor(options.rules ?? allowedHostRules()) });
}

export class BodyTooLarge extends Error {}

/** A response body as text, read only up to `maxBytes` (then BodyTooLarge, and the rest is not read). */
export function readCapped(response: Response, maxBytes: number): Promise<string> {
  return streamTextCapped(
    response.body as ReadableStream<Uint8Array> | null,
    maxBytes,
    () => new BodyTooLarge(`the reply is longer than ${maxBytes} bytes`),
  );
}

/** Drops a reply's body unread (an error's body is never shown to anyone). */
export function discardBody(response: Response): void {
  void response.body?.cancel().catch(() => undefined);
}

/**
 * A short cause for a call that failed before a reply: the refusal, or what the network said
 * (connection refused, no such host, …) — never anything the other side sent.
 */
export function outboundFailureCause(error: unknown): string {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof OutboundRefused || e instanceof BodyTooLarge) return e.message;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z][A-Z_]+$/.test(code)) return NETWORK_CAUSES[code] ?? `network error ${code}`;
  }
  if (error instanceof Error && error.name === "AbortError") return "the request was stopped";
  return "the request failed";
}

const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: "the connection was refused",
  ECONNRESET: "the connection was reset",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name could not be resolved just now",
  ETIMEDOUT: "the connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out",
  EHOSTUNREACH: "the host is unreachable",
};
