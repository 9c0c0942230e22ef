// The production server: Next.js's request handler behind a plain node:http server, so that the
// app knows the address of the peer that connected (Next passes a client's own X-Forwarded-For
// on untouched, and route handlers never see the socket). Every request gets the header below,
// overwriting anything a client sent, prefixed with a token made at start that only this process
// knows; lib/auth/client-ip.ts reads it.
// Responses are compressed here rather than by Next (next.config.ts: compress: false), so that
// server-action responses can stay uncompressed (they are small, and compressing them added
// pauses to their tail).
// The voting page's requests — votes, skips, the next pair, live prompts — are answered here
// without Next's request handling, by the table instrumentation.ts hands over once
// (lib/own-endpoints.ts): Next's handling was most of a vote's CPU and doubled a live prompt's
// time to the first token (docs/benchmarks.md).
// Usage: node scripts/app-server.mjs  (PORT and HOSTNAME from the environment; `next build` first)
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import compression from "compression";
import next from "next";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "127.0.0.1";
const token = randomBytes(24).toString("base64url");
process.env.HIKAKU_PEER_TOKEN = token;
const app = next({ dev: false, hostname, port, dir: process.cwd() });
const handle = app.getRequestHandler();
await app.prepare();

// Pages, scripts and JSON as before; not server actions (the Next-Action header) nor event streams
// (Cache-Control: no-transform, which the compression package always leaves alone).
const compress = compression({ filter: (request, response) => !request.headers["next-action"] && compression.filter(request, response) });

let shuttingDown = false;

// Each request runs in a context of its own (lib/log.ts reads it): its id, and its user once known.
// Behind a proxy the operator trusts (HIKAKU_TRUST_PROXY) a well-formed X-Request-Id is kept, so
// one id follows a request through both; otherwise every request gets a new one.
const requestContext = new AsyncLocalStorage();
globalThis.hikakuRequestContext = requestContext;
const trustProxy = ["1", "true"].includes(process.env.HIKAKU_TRUST_PROXY ?? "");
const requestIdOf = (given) => (trustProxy && typeof given === "string" && /^[A-Za-z0-9._:-]{8,100}$/.test(given) ? given : randomUUID());

const server = createServer((request, response) => {
  if (shuttingDown) {
    // A request on a connection kept open from before the signal: refused cleanly, and the
    // connection closed, so the client (or its load balancer) goes to another instance.
    response.writeHead(503, { "Content-Type": "application/json", "Retry-After": "1", Connection: "close" });
    response.end(JSON.stringify({ error: "this app instance is shutting down: try again", code: "SHUTTING_DOWN" }));
    return;
  }
  request.headers["x-hikaku-peer-address"] = `${token} ${request.socket.remoteAddress ?? ""}`;
  const requestId = requestIdOf(request.headers["x-request-id"]);
  request.headers["x-request-id"] = requestId;
  response.setHeader("X-Request-Id", requestId);
  requestContext.run({ requestId }, () => {
    // Counted and logged by route pattern once answered (set by instrumentation.ts, like the dispatcher).
    const started = performance.now();
    response.once("close", () =>
      globalThis.hikakuObserveRequest?.(
        request.url ?? "/",
        request.method ?? "GET",
        response.statusCode,
        (performance.now() - started) / 1000,
      ),
    );
    // Set by instrumentation.ts once the app has started.
    if (globalThis.hikakuDispatch?.(request, response)) return;
    compress(request, response, () => void handle(request, response));
  });
});
// Idle connections stay open longer than a load balancer's or proxy's own idle timeout (60 s for
// nginx's upstream keep-alive and AWS's load balancers): with Node's default of 5 s the server may
// close a connection just as the proxy sends the next request on it, which the user sees as a 502.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, hostname, () => {
  // As lib/log.ts writes it (the app's logger may not be loaded yet): JSON, or text on a terminal.
  const message = `serving on http://${hostname}:${port}`;
  if (process.stdout.isTTY) console.log(`[hikaku] ${message}`);
  else console.log(JSON.stringify({ level: 30, time: new Date().toISOString(), pid: process.pid, hostname, port, msg: message }));
});
// Graceful shutdown (SIGTERM, as Docker and Kubernetes send it; SIGINT from a terminal):
// readiness turns 503 and this instance's live battles end as void at once (lib/shutdown.ts), no
// new connection is accepted, requests in flight finish — for HIKAKU_SHUTDOWN_SECONDS at most —
// then the database pool closes and the process exits 0.
const shutdownSeconds = Number(process.env.HIKAKU_SHUTDOWN_SECONDS ?? 10);
async function shutDown() {
  if (shuttingDown) return;
  shuttingDown = true;
  const steps = globalThis.hikakuShutdown;
  const closed = new Promise((resolve) => server.close(resolve));
  // Keep-alive connections are closed as soon as their request in flight has been answered.
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  server.closeIdleConnections();
  await steps?.begin();
  const deadline = setTimeout(() => server.closeAllConnections(), shutdownSeconds * 1000);
  await closed;
  clearInterval(sweep);
  clearTimeout(deadline);
  await steps?.release();
  process.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => void shutDown());
