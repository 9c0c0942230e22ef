/** Sent with every response (next.config.ts for what Next serves, lib/http/node-json.ts for what the app server answers itself). */
export const SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
] as const;

/**
 * Served over TLS (directly, or behind a proxy that says so with X-Forwarded-Proto: https):
 * browsers keep to HTTPS from then on. Browsers ignore it on plain HTTP, so a forged header changes nothing.
 */
export const TLS_ONLY_HEADER = { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" } as const;
