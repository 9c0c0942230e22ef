// The production server: Next.js's request handler behind a plain node:http server, so that the
// app knows the address of the peer that connected (Next passes a client's own X-Forwarded-For
// on untouched, and route handlers never see the socket). Every request gets the header below,
// overwriting anything a client sent, prefixed with a token made at start that only this process
// knows; lib/auth/client-ip.ts reads it.
// Usage: node scripts/app-server.mjs  (PORT and HOSTNAME from the environment; `next build` first)
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import next from "next";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "127.0.0.1";
const token = randomBytes(24).toString("base64url");
process.env.HIKAKU_PEER_TOKEN = token;
const app = next({ dev: false, hostname, port, dir: process.cwd() });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((request, response) => {
  request.headers["x-hikaku-peer-address"] = `${token} ${request.socket.remoteAddress ?? ""}`;
  void handle(request, response);
});
server.listen(port, hostname, () => console.log(`[hikaku] serving on http://${hostname}:${port}`));
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
