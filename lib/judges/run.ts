import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { db, sessionConnection, sql } from "@/lib/db";
import type { Winner } from "@/lib/generated/prisma/client";
import { shuttingDown } from "@/lib/lifecycle";
import { endpointUrlSchema } from "@/lib/live/endpoints";
import { decryptSecret, encryptSecret } from "@/lib/live/secrets";
import { destinationProblem } from "@/lib/net/outbound";
import { combineOrders } from "@/lib/ratings/judge-agreement";
import { callJudge, JudgeCallFailed } from "./judge-call";
import { BUILT_IN_PROMPTS, judgeMessages, parseVerdict, type BuiltInPrompt, type JudgedPair } from "./judge-prompts";

/**
 * LLM judges Hikaku runs itself against an OpenAI-compatible endpoint, with the rules of live
 * battles' endpoints (URL shape, refused internal addresses unless allowed, encrypted key). A run
 * judges every pair of answers the campaign serves, turn by turn — those humans voted on first, so
 * agreement accrues — in both orders unless told not to, `concurrency` calls at a time. Each
 * judgment is stored as soon as it is made: a second run skips what is judged, and a killed run
 * loses at most the calls in flight. Failed calls are retried with back-off; a judgment whose
 * calls still fail, or whose reply has no verdict, is stored as failed (never as a tie) and tried
 * again by the next run.
 */

export const judgeSetupSchema = z.object({
  name: z.string().trim().min(1).max(200),
  baseUrl: endpointUrlSchema,
  /** The model name the endpoint expects; the judge's name when not given. */
  apiModel: z.string().trim().min(1).max(200).optional(),
  apiKey: z.string().trim().min(1).max(1000).optional(),
  /** A built-in prompt, or a researcher's own system prompt (the text of a prompt file). */
  prompt: z.union([
    z.enum(BUILT_IN_PROMPTS),
    z.object({ name: z.string().trim().min(1).max(200), system: z.string().trim().min(1).max(20_000) }),
  ]),
  swap: z.boolean().default(true),
});

export type JudgeSetup = z.input<typeof judgeSetupSchema>;

export type SetUpJudgeResult =
  { ok: true; judgeId: string } | { ok: false; code: "NAME_TAKEN" } | { ok: false; code: "URL_REFUSED"; message: string };

/** Creates a run judge, or updates the endpoint and prompt of an existing one (its verdicts stay). */
export async function setUpRunJudge(
  actorId: string | null,
  campaignId: string,
  input: z.output<typeof judgeSetupSchema>,
): Promise<SetUpJudgeResult> {
  const problem = await destinationProblem(input.baseUrl);
  if (problem?.reason === "ADDRESS_REFUSED") return { ok: false, code: "URL_REFUSED", message: problem.message };
  const existing = await db.judge.findUnique({
    where: { campaignId_name: { campaignId, name: input.name } },
    select: { id: true, kind: true },
  });
  if (existing && existing.kind !== "RUN") return { ok: false, code: "NAME_TAKEN" };
  const id = existing?.id ?? randomUUID();
  const custom = typeof input.prompt === "object" ? input.prompt : null;
  const data = {
    model: input.apiModel ?? input.name,
    prompt: custom ? custom.name : (input.prompt as BuiltInPrompt),
    promptText: custom?.system ?? null,
    baseUrl: input.baseUrl,
    apiModel: input.apiModel ?? null,
    swap: input.swap,
    // A key is bound to the judge and the URL it is sent to (lib/live/secrets.ts); a new URL needs the key again.
    ...(input.apiKey
      ? { apiKeyCipher: encryptSecret(input.apiKey, { endpointId: `judge:${id}`, baseUrl: input.baseUrl }) }
      : existing
        ? {}
        : { apiKeyCipher: null }),
  };
  await db.$transaction(async (tx) => {
    if (existing) await tx.judge.update({ where: { id }, data });
    else await tx.judge.create({ data: { id, campaignId, name: input.name, kind: "RUN", createdById: actorId, ...data } });
    await recordAudit(
      {
        actorId,
        action: existing ? "judge.updated" : "judge.created",
        subjectType: "Judge",
        subjectId: id,
        // Never the key.
        data: {
          name: input.name,
          baseUrl: input.baseUrl,
          apiModel: input.apiModel ?? null,
          prompt: data.prompt,
          swap: input.swap,
          apiKey: Boolean(input.apiKey),
        },
      },
      tx,
    );
  });
  return { ok: true, judgeId: id };
}

/** One judgment to make: a pair of the campaign's answers (A = the model with the lower id) at one turn. */
interface Unit {
  promptId: string;
  modelAId: string;
  modelBId: string;
  turn: number;
}

/**
 * What the judge has yet to judge, humans' pairs first: every pair the campaign serves (blocked
 * pairs, whose answers name a model, never), each turn its answers cover, without a counted verdict.
 */
async function pendingUnits(judgeId: string): Promise<Unit[]> {
  return sql.$queryRaw<Unit[]>`
    WITH judge AS (SELECT id, "campaignId" FROM "Judge" WHERE id = ${judgeId}::uuid),
    -- Human votes per prompt and model pair; an imported battle finds its prompt by question id.
    voted AS (
      SELECT coalesce(v."promptId", vp.id) AS "promptId", least(v."modelAId", v."modelBId") AS low,
             greatest(v."modelAId", v."modelBId") AS high, count(*) AS votes
      FROM "Vote" v JOIN judge ON v."campaignId" = judge."campaignId"
      LEFT JOIN "Prompt" vp ON v."promptId" IS NULL AND vp."campaignId" = v."campaignId" AND vp."externalId" = v."questionId"
      GROUP BY 1, 2, 3)
    SELECT i."promptId", i."lowModelId" AS "modelAId", i."highModelId" AS "modelBId", t.turn
    FROM judge
    JOIN "Item" i ON i."campaignId" = judge."campaignId" AND NOT i.blocked
    JOIN "Prompt" p ON p.id = i."promptId" AND p."excludedAt" IS NULL
    CROSS JOIN LATERAL generate_series(1, i."turnCount") AS t(turn)
    LEFT JOIN voted ON voted."promptId" = i."promptId" AND voted.low = i."lowModelId" AND voted.high = i."highModelId"
    WHERE NOT EXISTS (
        SELECT 1 FROM "Verdict" r
        WHERE r."judgeId" = judge.id AND r."promptId" = i."promptId" AND r.turn = t.turn AND r.winner IS NOT NULL
          AND least(r."modelAId", r."modelBId") = i."lowModelId" AND greatest(r."modelAId", r."modelBId") = i."highModelId")
    ORDER BY coalesce(voted.votes, 0) DESC, length(p."externalId"), p."externalId", i."lowModelId", i."highModelId", t.turn`;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** The prompt and both answers of a unit, as the judge reads them. */
async function pairOf(unit: Unit): Promise<JudgedPair> {
  const prompt = await db.prompt.findUniqueOrThrow({
    where: { id: unit.promptId },
    select: {
      turns: true,
      reference: true,
      category: true,
      outputs: { where: { modelId: { in: [unit.modelAId, unit.modelBId] } }, select: { modelId: true, turns: true } },
    },
  });
  const answers = (modelId: string) => strings(prompt.outputs.find((o) => o.modelId === modelId)?.turns).slice(0, unit.turn);
  return {
    userTurns: strings(prompt.turns).slice(0, unit.turn),
    answersA: answers(unit.modelAId),
    answersB: answers(unit.modelBId),
    category: prompt.category,
    reference: prompt.reference ? strings(prompt.reference) : null,
  };
}

export interface RunOptions {
  /** Judge at most this many pairs and turns in this run. */
  limit?: number;
  concurrency?: number;
  timeoutMs?: number;
  /** Tries per call before it counts as failed, and the first wait between them (doubled each time). */
  attempts?: number;
  retryDelayMs?: number;
  signal?: AbortSignal;
  /** Called once the run holds the judge (no other run of it can start until this one ends). */
  onClaimed?: () => void;
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  total: number;
  done: number;
  failed: number;
  tokens: number;
}

export class JudgeBusy extends Error {}

/** How often a run says it is alive: a "running" state with an older heartbeat than a minute was interrupted. */
const HEARTBEAT_MS = 10_000;
export const RUN_STALE_SECONDS = 60;

const WINNERS: Record<string, Winner> = { model_a: "MODEL_A", model_b: "MODEL_B", tie: "TIE" };

/**
 * Judges what is pending, stores each judgment as it is made, and keeps the judge's run state
 * (what the page's progress bar reads) current. JudgeBusy when another run of the judge is going.
 */
export async function runJudge(judgeId: string, options: RunOptions = {}): Promise<RunProgress> {
  const { concurrency = 4, timeoutMs = 120_000, attempts = 3, retryDelayMs = 1000 } = options;
  const judge = await db.judge.findUniqueOrThrow({
    where: { id: judgeId },
    select: {
      kind: true,
      name: true,
      baseUrl: true,
      apiModel: true,
      model: true,
      apiKeyCipher: true,
      prompt: true,
      promptText: true,
      swap: true,
    },
  });
  if (judge.kind !== "RUN" || !judge.baseUrl) throw new Error(`judge ${judge.name} is imported: there is nothing to run`);
  // One run per judge at a time, held by a session of its own: a run whose process dies lets go
  // with its connection, so the next run resumes at once.
  const lock = sessionConnection();
  await lock.connect();
  const { rows } = await lock.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext('judge-run:' || $1)) AS locked", [judgeId]);
  if (!rows[0].locked) {
    await lock.end();
    throw new JudgeBusy(`judge ${judge.name} is already running`);
  }
  await sql.$executeRaw`
    UPDATE "Judge" SET "runState" = 'running', "runHeartbeat" = now(), "runDone" = 0, "runFailed" = 0, "runTotal" = 0, "runError" = NULL
    WHERE id = ${judgeId}::uuid`;
  const heartbeat = setInterval(() => {
    void sql.$executeRaw`UPDATE "Judge" SET "runHeartbeat" = now() WHERE id = ${judgeId}::uuid`.catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  options.onClaimed?.();
  const progress: RunProgress = { total: 0, done: 0, failed: 0, tokens: 0 };
  try {
    const apiKey = judge.apiKeyCipher
      ? decryptSecret(judge.apiKeyCipher, { endpointId: `judge:${judgeId}`, baseUrl: judge.baseUrl })
      : null;
    // A judge set up without a known prompt (none stored, or an unknown name) gets the default.
    const prompt = judge.promptText
      ? { system: judge.promptText }
      : (BUILT_IN_PROMPTS as readonly (string | null)[]).includes(judge.prompt)
        ? (judge.prompt as BuiltInPrompt)
        : "pair";
    const units = (await pendingUnits(judgeId)).slice(0, options.limit ?? Infinity);
    progress.total = units.length;
    await sql.$executeRaw`UPDATE "Judge" SET "runTotal" = ${units.length} WHERE id = ${judgeId}::uuid`;
    options.onProgress?.({ ...progress });
    const ask = async (pair: JudgedPair) => {
      const messages = judgeMessages(prompt, pair);
      for (let attempt = 1; ; attempt++) {
        try {
          return await callJudge({
            baseUrl: judge.baseUrl!,
            apiKey,
            model: judge.apiModel ?? judge.model ?? judge.name,
            messages,
            timeoutMs,
            signal: options.signal,
          });
        } catch (error) {
          if (!(error instanceof JudgeCallFailed) || attempt >= attempts || options.signal?.aborted) throw error;
          await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 1)));
        }
      }
    };
    let next = 0;
    const work = async () => {
      while (next < units.length && !options.signal?.aborted && !shuttingDown()) {
        const unit = units[next++];
        const saved = await judgeUnit(judgeId, unit, judge.swap, ask);
        progress.done += 1;
        if (saved.failed) progress.failed += 1;
        progress.tokens += saved.tokens;
        options.onProgress?.({ ...progress });
        await sql.$executeRaw`
          UPDATE "Judge" SET "runDone" = "runDone" + 1, "runFailed" = "runFailed" + ${saved.failed ? 1 : 0}, tokens = tokens + ${saved.tokens},
                 "runHeartbeat" = now()
          WHERE id = ${judgeId}::uuid`;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, units.length)) }, work));
    const stopped = progress.done < progress.total;
    await sql.$executeRaw`UPDATE "Judge" SET "runState" = ${stopped ? "stopped" : "finished"}, "runHeartbeat" = now() WHERE id = ${judgeId}::uuid`;
    return progress;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await sql.$executeRaw`UPDATE "Judge" SET "runState" = 'failed', "runError" = ${message.slice(0, 500)} WHERE id = ${judgeId}::uuid`.catch(
      () => {},
    );
    throw error;
  } finally {
    clearInterval(heartbeat);
    await lock.end().catch(() => {});
  }
}

type Ask = (pair: JudgedPair) => Promise<{ text: string; tokens: number; latencyMs: number }>;

/** Both orders of one pair (or one), combined by FastChat's rule and stored; failed calls and missing verdicts as errors. */
async function judgeUnit(judgeId: string, unit: Unit, swap: boolean, ask: Ask): Promise<{ failed: boolean; tokens: number }> {
  const pair = await pairOf(unit);
  const swapped: JudgedPair = { ...pair, answersA: pair.answersB, answersB: pair.answersA };
  let tokens = 0;
  let latencyMs = 0;
  const errors: string[] = [];
  /** One order's result in model terms: which of the pair's models the judge preferred. */
  const judgeOrder = async (shown: JudgedPair, flipped: boolean) => {
    try {
      const reply = await ask(shown);
      tokens += reply.tokens;
      latencyMs += reply.latencyMs;
      const verdict = parseVerdict(reply.text);
      if (verdict === null) errors.push("no [[A]], [[B]] or [[C]] in the judge's reply");
      const result = verdict === null ? "error" : verdict === "tie" ? "tie" : (verdict === "A") !== flipped ? "model_a" : "model_b";
      return { result, text: reply.text };
    } catch (error) {
      if (!(error instanceof JudgeCallFailed)) throw error;
      errors.push(error.message);
      return { result: "error", text: null };
    }
  };
  // One order after the other: `concurrency` is the number of calls the endpoint gets at once.
  const first = await judgeOrder(pair, false);
  const second = swap ? await judgeOrder(swapped, true) : null;
  const combined = combineOrders(first.result, second?.result ?? null);
  const winner = combined.winner === null ? null : WINNERS[combined.winner];
  const error = winner === null ? [...new Set(errors)].join("; ").slice(0, 500) : null;
  await sql.$executeRaw`
    INSERT INTO "Verdict" (id, "judgeId", "promptId", "modelAId", "modelBId", turn, winner, g1, g2, inconsistent, explanation, "explanationSwapped", tokens, "latencyMs", error)
    VALUES (gen_random_uuid(), ${judgeId}::uuid, ${unit.promptId}::uuid, ${unit.modelAId}::uuid, ${unit.modelBId}::uuid, ${unit.turn},
            ${winner}::"Winner", ${first.result}, ${second?.result ?? null}, ${combined.inconsistent}, ${first.text}, ${second?.text ?? null},
            ${tokens}, ${latencyMs}, ${error})
    ON CONFLICT ("judgeId", "promptId", "modelAId", "modelBId", turn) DO UPDATE SET
      winner = EXCLUDED.winner, g1 = EXCLUDED.g1, g2 = EXCLUDED.g2, inconsistent = EXCLUDED.inconsistent, explanation = EXCLUDED.explanation,
      "explanationSwapped" = EXCLUDED."explanationSwapped", tokens = EXCLUDED.tokens, "latencyMs" = EXCLUDED."latencyMs", error = EXCLUDED.error,
      "createdAt" = now()`;
  return { failed: winner === null, tokens };
}
