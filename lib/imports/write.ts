import "server-only";
import { randomUUID } from "node:crypto";
import { recordAudit } from "@/lib/audit";
import { addModelNamesToIdentityWords, matchTextOf, refreshBlockedItems } from "@/lib/campaigns/identity-words";
import { db, type Tx } from "@/lib/db";
import { styleByTurnsShown } from "@/lib/ratings/style-control";
import { problem } from "./problems";
import { ImportRejected, type ImportError, type ImportRow } from "./rows";
import { planImport, type ImportPlan } from "./validate";

export interface ImportSummary {
  promptsAdded: number;
  promptsKept: number;
  outputsAdded: number;
  outputsKept: number;
  modelsAdded: number;
  itemsAdded: number;
  /** Pairs of the imported prompts held back because an answer names a model (identity words). */
  itemsBlocked: number;
}

const BATCH = 5000;

function batches<T>(values: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += BATCH) out.push(values.slice(i, i + BATCH));
  return out;
}

/**
 * Validates rows against each other and against the campaign's data, then writes models,
 * prompts, outputs and the pairs they form in one transaction: a file with any problem changes
 * nothing. Rows already stored with the same text are kept as they are, so re-importing a file
 * is a no-op and a later file can add models or prompts.
 */
export async function importRows(
  actorId: string | null,
  campaignId: string,
  rows: ImportRow[],
  parseErrors: ImportError[] = [],
  onProgress: (stage: string) => void = () => {},
  options: { allowFewerTurns?: boolean } = {},
): Promise<ImportSummary> {
  const errors = [...parseErrors];
  if (rows.length === 0 && errors.length === 0) errors.push(problem("import", 0, "NO_ROWS"));
  const plan = planImport(rows, errors, options);
  if (errors.length) throw new ImportRejected(errors);

  return db.$transaction(
    async (tx) => {
      // One import per campaign at a time, so two uploads of overlapping files cannot interleave.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${campaignId}))`;
      onProgress("checking prompts");
      const promptIds = await resolvePrompts(tx, campaignId, plan, errors);
      onProgress("checking models");
      const { modelIds, modelsAdded } = await resolveModels(tx, plan);
      onProgress("checking outputs");
      const newOutputs = await findNewOutputs(tx, plan, promptIds, modelIds, errors);
      if (errors.length) throw new ImportRejected(errors);

      const newPrompts = [...plan.prompts.values()].filter((p) => !promptIds.existing.has(p.externalId));
      for (const batch of batches(newPrompts)) {
        await tx.$executeRaw`
          INSERT INTO "Prompt" (id, "campaignId", "externalId", category, turns, reference)
          SELECT id, ${campaignId}::uuid, ext, cat, t::jsonb, ref::jsonb
          FROM unnest(${batch.map((p) => promptIds.all.get(p.externalId)!)}::uuid[], ${batch.map((p) => p.externalId)}::text[],
                      ${batch.map((p) => p.category ?? null)}::text[], ${batch.map((p) => JSON.stringify(p.turns))}::text[],
                      ${batch.map((p) => (p.reference ? JSON.stringify(p.reference) : null))}::text[]) AS n(id, ext, cat, t, ref)`;
      }
      onProgress(`writing ${newOutputs.length} outputs`);
      let written = 0;
      for (const batch of batches(newOutputs)) {
        await tx.$executeRaw`
          INSERT INTO "Output" (id, "promptId", "modelId", turns, "matchText", gold, style)
          SELECT gen_random_uuid(), p, m, t::jsonb, mt, g::"GoldAnswer", s::int[]
          FROM unnest(${batch.map((o) => o.promptId)}::uuid[], ${batch.map((o) => o.modelId)}::uuid[], ${batch.map((o) => JSON.stringify(o.turns))}::text[],
                      ${batch.map((o) => matchTextOf(o.turns))}::text[], ${batch.map((o) => o.gold ?? null)}::text[],
                      ${batch.map((o) => `{${styleByTurnsShown(o.turns).join(",")}}`)}::text[]) AS n(p, m, t, mt, g, s)`;
        written += batch.length;
        onProgress(`wrote ${written}/${newOutputs.length} outputs`);
      }
      const touchedPrompts = [...new Set(newOutputs.map((o) => o.promptId))];
      onProgress("forming pairs");
      let itemsAdded = 0;
      for (const batch of batches(touchedPrompts)) {
        itemsAdded += await tx.$executeRaw`
          INSERT INTO "Item" (id, "campaignId", "promptId", "lowModelId", "highModelId", "lowOutputId", "highOutputId", "turnCount", "goldWinnerModelId")
          SELECT gen_random_uuid(), ${campaignId}::uuid, lo."promptId", lo."modelId", hi."modelId", lo.id, hi.id,
                 least(jsonb_array_length(lo.turns), jsonb_array_length(hi.turns)),
                 CASE WHEN lo.gold = 'GOOD' AND hi.gold = 'BAD' THEN lo."modelId" WHEN hi.gold = 'GOOD' AND lo.gold = 'BAD' THEN hi."modelId" END
          FROM "Output" lo JOIN "Output" hi ON hi."promptId" = lo."promptId" AND lo."modelId" < hi."modelId"
          WHERE lo."promptId" = ANY(${batch}::uuid[])
          ON CONFLICT ("promptId", "lowModelId", "highModelId") DO NOTHING`;
        await tx.$executeRaw`
          INSERT INTO "PairStat" ("campaignId", "lowModelId", "highModelId")
          SELECT DISTINCT ${campaignId}::uuid, "lowModelId", "highModelId" FROM "Item" WHERE "promptId" = ANY(${batch}::uuid[])
          ON CONFLICT DO NOTHING`;
      }
      onProgress("checking identity words");
      // A campaign's identity words always include its models' names.
      await addModelNamesToIdentityWords(tx, campaignId, [...modelIds.keys()]);
      const itemsBlocked = await refreshBlockedItems(tx, campaignId, touchedPrompts);
      const summary: ImportSummary = {
        promptsAdded: newPrompts.length,
        promptsKept: plan.prompts.size - newPrompts.length,
        outputsAdded: newOutputs.length,
        outputsKept: plan.outputs.length - newOutputs.length,
        modelsAdded,
        itemsAdded,
        itemsBlocked,
      };
      await recordAudit({ actorId, action: "campaign.imported", subjectType: "Campaign", subjectId: campaignId, data: { ...summary } }, tx);
      return summary;
    },
    { timeout: 10 * 60_000, maxWait: 60_000 },
  );
}

async function resolvePrompts(tx: Tx, campaignId: string, plan: ImportPlan, errors: ImportError[]) {
  const externalIds = [...new Set([...plan.prompts.keys(), ...plan.referencedPrompts])];
  const existing = new Map<string, string>();
  for (const batch of batches(externalIds)) {
    const rows = await tx.$queryRaw<{ id: string; externalId: string; turns: string }[]>`
      SELECT id, "externalId", turns::text AS turns FROM "Prompt" WHERE "campaignId" = ${campaignId}::uuid AND "externalId" = ANY(${batch}::text[])`;
    for (const row of rows) {
      existing.set(row.externalId, row.id);
      const draft = plan.prompts.get(row.externalId);
      if (draft && JSON.stringify(JSON.parse(row.turns)) !== JSON.stringify(draft.turns)) {
        errors.push(problem(draft.source, draft.line, "PROMPT_CHANGED", { prompt: row.externalId }));
      }
    }
  }
  for (const output of plan.outputs) {
    if (!plan.prompts.has(output.promptExternalId) && !existing.has(output.promptExternalId)) {
      errors.push(problem(output.source, output.line, "UNKNOWN_PROMPT", { prompt: output.promptExternalId }));
    }
  }
  const all = new Map(existing);
  for (const id of plan.prompts.keys()) if (!all.has(id)) all.set(id, randomUUID());
  return { existing: new Set(existing.keys()), all };
}

async function resolveModels(tx: Tx, plan: ImportPlan) {
  const names = [...new Set(plan.outputs.map((o) => o.model))];
  const modelsAdded = await tx.$executeRaw`
    INSERT INTO "Model" (id, name) SELECT gen_random_uuid(), name FROM unnest(${names}::text[]) AS n(name)
    ON CONFLICT (name) DO NOTHING`;
  const rows = await tx.$queryRaw<{ id: string; name: string }[]>`SELECT id, name FROM "Model" WHERE name = ANY(${names}::text[])`;
  return { modelIds: new Map(rows.map((row) => [row.name, row.id])), modelsAdded };
}

/** Outputs not stored yet; an output stored with different text is an error (votes were cast on it). */
async function findNewOutputs(
  tx: Tx,
  plan: ImportPlan,
  promptIds: { all: Map<string, string> },
  modelIds: Map<string, string>,
  errors: ImportError[],
) {
  const candidates = plan.outputs
    .filter((o) => promptIds.all.has(o.promptExternalId))
    .map((o) => ({ ...o, promptId: promptIds.all.get(o.promptExternalId)!, modelId: modelIds.get(o.model)! }));
  const stored = new Set<number>();
  for (let start = 0; start < candidates.length; start += BATCH) {
    const batch = candidates.slice(start, start + BATCH);
    const rows = await tx.$queryRaw<{ ord: bigint; same: boolean }[]>`
      SELECT n.ord, (o.turns = n.t::jsonb AND o.gold IS NOT DISTINCT FROM n.g::"GoldAnswer") AS same
      FROM unnest(${batch.map((o) => o.promptId)}::uuid[], ${batch.map((o) => o.modelId)}::uuid[], ${batch.map((o) => JSON.stringify(o.turns))}::text[],
                  ${batch.map((o) => o.gold ?? null)}::text[])
           WITH ORDINALITY AS n(p, m, t, g, ord)
      JOIN "Output" o ON o."promptId" = n.p AND o."modelId" = n.m`;
    for (const row of rows) {
      const output = batch[Number(row.ord) - 1];
      stored.add(start + Number(row.ord) - 1);
      if (!row.same) {
        errors.push(problem(output.source, output.line, "OUTPUT_CHANGED", { model: output.model, prompt: output.promptExternalId }));
      }
    }
  }
  return candidates.filter((_, index) => !stored.has(index));
}
