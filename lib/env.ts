import { z } from "zod";
import { parseAllowedHosts, type AllowRule } from "./net/addresses";

const envSchema = z.object({
  DATABASE_URL: z.string().min(1, "DATABASE_URL is not set: start Hikaku with `npm start`, or set it to your PostgreSQL URL."),
  /**
   * Behind a transaction-pooling PgBouncer (or Supabase's, Neon's, RDS Proxy): the server itself,
   * for what needs a session of its own — LISTEN for live wake-ups, migrations' lock, a judge run's
   * lock, backups. Unset, those use DATABASE_URL too. The same convention as Prisma's directUrl.
   */
  DIRECT_DATABASE_URL: z.string().min(1).optional(),
  NEXTAUTH_SECRET: z.string().min(16, "NEXTAUTH_SECRET must be at least 16 characters").optional(),
  NEXTAUTH_URL: z.url().optional(),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** How many failed sign-ins an account or an IP address may have in the throttle window. */
  HIKAKU_SIGNIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  HIKAKU_SIGNIN_MAX_FAILURES_PER_IP: z.coerce.number().int().positive().default(30),
  HIKAKU_SIGNIN_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  /** Votes one person may cast per minute, across campaigns: faster voting is refused (a rigging defence). */
  HIKAKU_MAX_VOTES_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** The largest web upload (imports), in MB; larger bodies are cut off with 413 as they arrive. */
  HIKAKU_MAX_UPLOAD_MB: z.coerce.number().int().positive().default(100),
  /** Encrypts live models' API keys at rest (any string of 16+ characters; `npm start` generates one for local use). */
  HIKAKU_ENCRYPTION_KEY: z.string().min(16, "HIKAKU_ENCRYPTION_KEY must be at least 16 characters").optional(),
  /** The key before a rotation: API keys stored under it still decrypt until `model rotate-keys` re-encrypts them. */
  HIKAKU_ENCRYPTION_KEY_PREVIOUS: z.string().min(16, "HIKAKU_ENCRYPTION_KEY_PREVIOUS must be at least 16 characters").optional(),
  /** Vote exports streamed at once by one app instance (each holds a database connection); more get 503. */
  HIKAKU_MAX_CONCURRENT_EXPORTS: z.coerce.number().int().positive().max(50).default(3),
  /** An export whose reader takes nothing for this long is ended, with its database transaction. */
  HIKAKU_EXPORT_IDLE_SECONDS: z.coerce.number().positive().max(3600).default(30),
  /** The log's level (lib/log.ts): one JSON object per line, readable lines on a terminal. */
  HIKAKU_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Turns on /metrics (Prometheus) and is the Bearer token it requires; without it there is no /metrics. */
  HIKAKU_METRICS_TOKEN: z.string().min(16, "HIKAKU_METRICS_TOKEN must be at least 16 characters").optional(),
  /** Live battles: how long a worker holds a prompt before it goes to another worker (each chunk renews it). */
  HIKAKU_WORKER_LEASE_SECONDS: z.coerce.number().int().positive().max(3600).default(60),
  /** Live battles: how long `POST /api/v1/worker/next` waits for a prompt before answering 204. */
  HIKAKU_WORKER_POLL_SECONDS: z.coerce.number().positive().max(30).default(25),
  /** Live battles: an HTTP endpoint asked about each prompt before any model sees it (POST {"prompt"} → {"allowed": bool}). */
  HIKAKU_MODERATION_URL: z.url().optional(),
  /**
   * Model endpoints (and judges) on these hosts may be reached although their addresses are
   * loopback, private or link-local: comma-separated `host`, `host:port` or CIDR ranges.
   */
  HIKAKU_ALLOWED_MODEL_HOSTS: z
    .string()
    .optional()
    .transform((value, context): AllowRule[] => {
      try {
        return parseAllowedHosts(value);
      } catch (error) {
        context.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Set when the app sits behind a proxy that writes X-Forwarded-For; otherwise the header is ignored. */
  HIKAKU_TRUST_PROXY: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** The environment, validated once; throws a readable error listing every bad variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  if (parsed.data.NODE_ENV === "production" && !parsed.data.NEXTAUTH_SECRET) {
    throw new Error("NEXTAUTH_SECRET is required in production (`openssl rand -base64 32`). `npm start` generates one for local use.");
  }
  cached = parsed.data;
  return cached;
}
