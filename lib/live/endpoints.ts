import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { hashToken } from "@/lib/auth/tokens";
import { addModelNamesToIdentityWords } from "@/lib/campaigns/identity-words";
import { db, sql } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { GenerationFailure, streamChatCompletion } from "./openai";
import { urlShapeProblem, withoutCredentials } from "@/lib/net/addresses";
import { destinationProblem } from "@/lib/net/outbound";
import { decryptSecret, decryptSecretWith, encryptSecret, type SecretKeys } from "./secrets";

/** Parameters Hikaku sets itself; a researcher's parameters may not override them. */
const RESERVED_PARAMS = ["model", "messages", "stream"];

export const endpointUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .superRefine((url, context) => {
    const problem = urlShapeProblem(url);
    if (problem) context.addIssue({ code: "custom", message: problem });
  })
  .transform((url) => url.replace(/\/+$/, ""));

export const endpointInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    kind: z.enum(["PUSHED", "PULLED"]),
    baseUrl: endpointUrlSchema.optional(),
    apiModel: z.string().trim().min(1).max(200).optional(),
    apiKey: z.string().trim().min(1).max(1000).optional(),
    systemPrompt: z.string().max(20_000).default(""),
    params: z
      .record(z.string(), z.unknown())
      .default({})
      .refine((params) => !RESERVED_PARAMS.some((key) => key in params), `may not set ${RESERVED_PARAMS.join(", ")}`),
    concurrency: z.number().int().min(1).max(1000).default(4),
    timeoutSeconds: z.number().int().min(1).max(3600).default(120),
  })
  .refine((input) => input.kind === "PULLED" || input.baseUrl, { message: "a pushed model needs its base URL", path: ["baseUrl"] });

export type EndpointInput = z.input<typeof endpointInputSchema>;

export type AddEndpointResult =
  | { ok: true; endpointId: string; workerToken: string | null }
  | { ok: false; code: "NOT_FOUND" | "NOT_LIVE" | "DUPLICATE" }
  /** The base URL's host is on a loopback, private or link-local address the operator has not allowed. */
  | { ok: false; code: "URL_REFUSED"; host: string; address: string; kind: string; message: string };

const WORKER_TOKEN_PREFIX = "hkw_";

/**
 * Adds a model to a live campaign with the way to reach it. A pulled model gets a worker token,
 * returned this once (only its hash is kept); an API key is stored encrypted. The model's names
 * join the campaign's identity words, so an answer that gives them away voids its battle.
 */
export async function addEndpoint(
  actorId: string | null,
  campaignId: string,
  input: z.output<typeof endpointInputSchema>,
): Promise<AddEndpointResult> {
  if (input.kind === "PUSHED" && input.baseUrl) {
    const problem = await destinationProblem(input.baseUrl);
    // The schema has checked the URL's shape: what is left is where it goes.
    if (problem?.reason === "ADDRESS_REFUSED") {
      const { host, address, kind, message } = problem;
      return { ok: false, code: "URL_REFUSED", host, address, kind, message };
    }
  }
  const workerToken = input.kind === "PULLED" ? `${WORKER_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}` : null;
  // The id is made here, so the API key can be bound to it (lib/live/secrets.ts).
  const endpointId = randomUUID();
  const baseUrl = input.kind === "PUSHED" ? (input.baseUrl ?? null) : null;
  const apiKeyCipher = input.apiKey ? encryptSecret(input.apiKey, { endpointId, baseUrl }) : null;
  return db.$transaction(async (tx) => {
    const campaign = await tx.campaign.findUnique({ where: { id: campaignId }, select: { live: true } });
    if (!campaign) return { ok: false, code: "NOT_FOUND" };
    if (!campaign.live) return { ok: false, code: "NOT_LIVE" };
    const model = await tx.model.upsert({ where: { name: input.name }, create: { name: input.name }, update: {}, select: { id: true } });
    const existing = await tx.modelEndpoint.findUnique({
      where: { campaignId_modelId: { campaignId, modelId: model.id } },
      select: { id: true },
    });
    if (existing) return { ok: false, code: "DUPLICATE" };
    const endpoint = await tx.modelEndpoint.create({
      data: {
        id: endpointId,
        campaignId,
        modelId: model.id,
        kind: input.kind,
        baseUrl,
        apiModel: input.apiModel ?? null,
        apiKeyCipher,
        systemPrompt: input.systemPrompt,
        params: input.params as Prisma.InputJsonValue,
        concurrency: input.concurrency,
        timeoutSeconds: input.timeoutSeconds,
        workerTokenHash: workerToken ? hashToken(workerToken) : null,
        workerTokenPrefix: workerToken ? workerToken.slice(0, WORKER_TOKEN_PREFIX.length + 6) : null,
      },
      select: { id: true },
    });
    await addModelNamesToIdentityWords(tx, campaignId, [input.name, ...(input.apiModel ? [input.apiModel] : [])]);
    await recordAudit(
      {
        actorId,
        action: "campaign.model_added",
        subjectType: "Campaign",
        subjectId: campaignId,
        // Never the key or the token.
        data: { model: input.name, kind: input.kind, baseUrl: input.baseUrl ?? null, apiKey: Boolean(input.apiKey) },
      },
      tx,
    );
    return { ok: true, endpointId: endpoint.id, workerToken };
  });
}

export interface EndpointSummary {
  id: string;
  model: string;
  kind: "PUSHED" | "PULLED";
  baseUrl: string | null;
  apiModel: string | null;
  hasApiKey: boolean;
  concurrency: number;
  timeoutSeconds: number;
  enabled: boolean;
  workerTokenPrefix: string | null;
  lastSeenAt: Date | null;
  answered: number;
  failed: number;
}

/** The campaign's models for its researchers: how each is reached and how it has fared. Never the key. */
export async function listEndpoints(campaignId: string): Promise<EndpointSummary[]> {
  const rows = await db.modelEndpoint.findMany({
    where: { campaignId },
    select: {
      id: true,
      model: { select: { name: true } },
      kind: true,
      baseUrl: true,
      apiModel: true,
      apiKeyCipher: true,
      concurrency: true,
      timeoutSeconds: true,
      enabled: true,
      workerTokenPrefix: true,
      lastSeenAt: true,
      answered: true,
      failed: true,
    },
    orderBy: { createdAt: "asc" },
  });
  return rows.map(({ model, apiKeyCipher, baseUrl, ...row }) => ({
    ...row,
    baseUrl: baseUrl === null ? null : withoutCredentials(baseUrl),
    model: model.name,
    hasApiKey: apiKeyCipher !== null,
  }));
}

export async function setEndpointEnabled(actorId: string, campaignId: string, endpointId: string, enabled: boolean): Promise<boolean> {
  const changed = await db.modelEndpoint.updateMany({ where: { id: endpointId, campaignId }, data: { enabled } });
  if (changed.count === 0) return false;
  await recordAudit({
    actorId,
    action: enabled ? "campaign.model_enabled" : "campaign.model_disabled",
    subjectType: "Campaign",
    subjectId: campaignId,
    data: { endpointId },
  });
  return true;
}

export type ConnectionTest =
  | { ok: true; firstTokenMs: number; totalMs: number; sample: string }
  | { ok: false; error: string; code?: "NOT_FOUND"; lastSeenAt?: Date | null };

const TEST_PROMPT = "Reply with one short sentence.";
const TEST_TIMEOUT_MS = 30_000;
const SAMPLE_CHARS = 200;

/**
 * "Test connection": one short request to a pushed model, timed to its first token and to the end,
 * with the beginning of its answer. A pulled model cannot be called: its workers' last poll is
 * what there is to show.
 */
export async function testConnection(campaignId: string, endpointId: string): Promise<ConnectionTest> {
  const endpoint = await db.modelEndpoint.findFirst({
    where: { id: endpointId, campaignId },
    select: {
      kind: true,
      baseUrl: true,
      apiModel: true,
      apiKeyCipher: true,
      systemPrompt: true,
      params: true,
      timeoutSeconds: true,
      lastSeenAt: true,
      model: { select: { name: true } },
    },
  });
  if (!endpoint) return { ok: false, code: "NOT_FOUND", error: "no such model in this campaign" };
  if (endpoint.kind === "PULLED")
    return { ok: false, error: "a pulled model is reached by its workers, not by the server", lastSeenAt: endpoint.lastSeenAt };
  const started = performance.now();
  let firstTokenMs: number | null = null;
  try {
    const text = await streamChatCompletion({
      baseUrl: endpoint.baseUrl!,
      apiKey: endpoint.apiKeyCipher ? decryptSecret(endpoint.apiKeyCipher, { endpointId, baseUrl: endpoint.baseUrl }) : null,
      model: endpoint.apiModel ?? endpoint.model.name,
      messages: [
        ...(endpoint.systemPrompt.trim() ? [{ role: "system" as const, content: endpoint.systemPrompt }] : []),
        { role: "user" as const, content: TEST_PROMPT },
      ],
      params: endpoint.params as Record<string, unknown>,
      timeoutMs: Math.min(TEST_TIMEOUT_MS, endpoint.timeoutSeconds * 1000),
      onDelta: () => {
        firstTokenMs ??= Math.round(performance.now() - started);
      },
    });
    const totalMs = Math.round(performance.now() - started);
    return { ok: true, firstTokenMs: firstTokenMs ?? totalMs, totalMs, sample: text.slice(0, SAMPLE_CHARS) };
  } catch (error) {
    return { ok: false, error: error instanceof GenerationFailure ? `${error.cause}: ${error.message}` : String(error) };
  }
}

export interface LiveBattleSummary {
  generating: number;
  ready: number;
  voided: number;
  voted: number;
  causes: { cause: string; count: number }[];
  recentFailures: { at: Date; cause: string; detail: string }[];
}

/** For researchers: how the campaign's battles ended, and the latest failures with their causes. */
export async function liveBattleSummary(campaignId: string): Promise<LiveBattleSummary> {
  const [counts] = await sql.$queryRaw<{ generating: number; ready: number; voided: number; voted: number }[]>`
    SELECT count(*) FILTER (WHERE b.state = 'GENERATING')::int AS generating,
           count(*) FILTER (WHERE b.state = 'READY' AND NOT EXISTS (SELECT 1 FROM "Vote" v WHERE v."promptId" = b."promptId"))::int AS ready,
           count(*) FILTER (WHERE b.state = 'VOIDED')::int AS voided,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "Vote" v WHERE v."promptId" = b."promptId"))::int AS voted
    FROM "LiveBattle" b WHERE b."campaignId" = ${campaignId}::uuid`;
  const causes = await sql.$queryRaw<{ cause: string; count: number }[]>`
    SELECT "voidCause" AS cause, count(*)::int AS count FROM "LiveBattle"
    WHERE "campaignId" = ${campaignId}::uuid AND state = 'VOIDED' GROUP BY 1 ORDER BY 2 DESC`;
  const recentFailures = await sql.$queryRaw<{ at: Date; cause: string; detail: string }[]>`
    SELECT "updatedAt" AS at, "voidCause" AS cause, coalesce("voidDetail", '') AS detail FROM "LiveBattle"
    WHERE "campaignId" = ${campaignId}::uuid AND state = 'VOIDED' ORDER BY "updatedAt" DESC LIMIT 20`;
  return { ...counts, causes, recentFailures };
}

/**
 * After HIKAKU_ENCRYPTION_KEY is changed (the old one kept as HIKAKU_ENCRYPTION_KEY_PREVIOUS):
 * every API key still stored under the previous key — or stored before keys were bound to their
 * endpoint — is encrypted again under the current one, bound. All are decrypted before any is
 * written, so a key that neither secret opens changes nothing. Audited with the counts; the keys
 * themselves never leave the server.
 */
export async function rotateApiKeys(
  actorId: string | null,
  keys?: SecretKeys,
): Promise<{ endpoints: number; judges: number; reencrypted: number }> {
  const endpoints = await db.modelEndpoint.findMany({
    where: { apiKeyCipher: { not: null } },
    select: { id: true, baseUrl: true, apiKeyCipher: true },
  });
  // The LLM judges Hikaku runs keep their keys the same way, bound to `judge:<id>` (lib/judges/run.ts).
  const judges = await db.judge.findMany({
    where: { apiKeyCipher: { not: null } },
    select: { id: true, baseUrl: true, apiKeyCipher: true },
  });
  const rows = [
    ...endpoints.map((row) => ({ ...row, kind: "endpoint" as const, binding: { endpointId: row.id, baseUrl: row.baseUrl } })),
    ...judges.map((row) => ({ ...row, kind: "judge" as const, binding: { endpointId: `judge:${row.id}`, baseUrl: row.baseUrl } })),
  ];
  const opened = rows.map((row) => ({ ...row, ...decryptSecretWith(row.apiKeyCipher!, row.binding, keys) }));
  let reencrypted = 0;
  for (const row of opened.filter((row) => row.underPrevious || row.unbound)) {
    // Only if nobody changed the key (or where it goes) meanwhile.
    const where = { id: row.id, apiKeyCipher: row.apiKeyCipher, baseUrl: row.baseUrl };
    const data = { apiKeyCipher: encryptSecret(row.plain, row.binding, keys) };
    const written =
      row.kind === "endpoint" ? await db.modelEndpoint.updateMany({ where, data }) : await db.judge.updateMany({ where, data });
    reencrypted += written.count;
  }
  await recordAudit({
    actorId,
    action: "model.keys_rotated",
    subjectType: "ModelEndpoint",
    data: { endpoints: endpoints.length, judges: judges.length, reencrypted },
  });
  return { endpoints: endpoints.length, judges: judges.length, reencrypted };
}
