import http from "node:http";
import type { AddressInfo } from "node:net";
import { encode } from "next-auth/jwt";
import type { NodeHandler } from "@/lib/http/node-json";

/**
 * One of the app server's own handlers (lib/http/node-json.ts) on a real HTTP server at a free
 * port, and session cookies as next-auth would set them, for the handlers' tests.
 */
export async function serveNodeHandler(handler: NodeHandler): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A Cookie header carrying `userId`'s session token signed with `secret`, beside another cookie. */
export const sessionCookie = async (userId: string, secret: string, maxAge = 3600) =>
  `other=1; next-auth.session-token=${await encode({ token: { sub: userId }, secret, maxAge })}`;
