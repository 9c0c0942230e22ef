import type { IncomingMessage, ServerResponse } from "node:http";
import { SECURITY_HEADERS, TLS_ONLY_HEADER } from "./security-headers";

/**
 * What the requests the app server answers itself, without Next (scripts/app-server.mjs: live
 * prompts and votes), share: the headers Next would have set, JSON answers, and a body read with
 * a size limit.
 */

export class BodyTooLarge extends Error {}

/** The security headers next.config.ts gives every response, and HSTS behind HTTPS. */
export function responseHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = Object.fromEntries(SECURITY_HEADERS.map(({ key, value }) => [key, value]));
  if (request.headers["x-forwarded-proto"] === "https") headers[TLS_ONLY_HEADER.key] = TLS_ONLY_HEADER.value;
  return headers;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(text)),
    "Cache-Control": "no-store",
  });
  response.end(text);
}

/** The body as JSON; undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The whole body as text; BodyTooLarge as soon as it passes `maxBytes` (the rest is not read). */
export async function bodyText(request: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
