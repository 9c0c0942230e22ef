import { env } from "@/lib/env";
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestUserId, sessionCookieName } from "@/lib/auth/session-token";
import { apiError, type JsonAnswer } from "./api-error";
import { SECURITY_HEADERS, TLS_ONLY_HEADER } from "./security-headers";
import { log } from "@/lib/log";

/**
 * What the requests the app server answers itself, without Next (lib/own-endpoints.ts: votes,
 * skips, the next pair, live prompts), share: whose session cookie came with them, the headers Next would have set,
 * JSON answers, and a body read with a size limit.
 */

export type NodeHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** What the app's steps for such a request read from it, whichever server received it (a route handler under `next dev` builds the same). */
export interface SignedJsonRequest {
  /** Whose session cookie came with the request (not yet looked up). */
  userId: string | null;
  contentType: string | null;
  /** The body as JSON; undefined when it is not JSON. */
  json: () => Promise<unknown>;
}

/** Answers one such request: gets it as the app's steps read it and writes the response (with `headers`). */
export type SignedJsonAnswer = (
  input: SignedJsonRequest,
  exchange: { request: IncomingMessage; response: ServerResponse; headers: Record<string, string> },
) => Promise<void>;

/** An answer that writes the JSON the endpoint's steps return (status and body). */
export function jsonSteps(take: (input: SignedJsonRequest) => Promise<JsonAnswer<unknown>>): SignedJsonAnswer {
  return async (input, { response, headers }) => {
    const answer = await take(input);
    sendJson(response, answer.httpStatus, answer.body, headers);
  };
}

/**
 * A handler for one of those requests: reads whose session cookie came with it and hands it to
 * `answer`. A body over `maxBodyBytes` gets 413, anything thrown 500 and a log line, both in the
 * API's error shape.
 */
export function signedJsonHandler(options: { name: string; secret: string; maxBodyBytes: number }, answer: SignedJsonAnswer): NodeHandler {
  return async (request, response) => {
    const headers = responseHeaders(request);
    try {
      const input: SignedJsonRequest = {
        userId: await requestUserId(request.headers.cookie, options.secret, sessionCookieName(env().NEXTAUTH_URL)),
        contentType: request.headers["content-type"] ?? null,
        json: async () => parseJson(await bodyText(request, options.maxBodyBytes)),
      };
      await answer(input, { request, response, headers });
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        // The rest of the body is not read: the connection cannot carry another request.
        response.shouldKeepAlive = false;
        return sendJson(response, 413, apiError("TOO_LARGE", `the body is larger than ${options.maxBodyBytes} bytes`), headers);
      }
      log().error({ err: error, handler: options.name }, "request handler failed");
      if (!response.headersSent) sendJson(response, 500, apiError("INTERNAL", "internal error"), headers);
      else response.end();
    }
  };
}

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
