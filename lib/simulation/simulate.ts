import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { hashPassword } from "@/lib/auth/password";
import { createCampaign, setCampaignStatus } from "@/lib/campaigns/manage";
import type { StopTargetName } from "@/lib/campaigns/options";
import { campaignSettingsSchema } from "@/lib/campaigns/settings";
import { recordStudyPlan } from "@/lib/campaigns/study-plan";
import { db, sql } from "@/lib/db";
import { importRows } from "@/lib/imports/write";
import { seededRandom } from "@/lib/ratings/random";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { recordVote } from "@/lib/votes/record-vote";
import {
  ITEM_KEY_STREAM,
  runStudy,
  type CastVote,
  type HandedPair,
  type NextPair,
  type SchedulerUnderTest,
  type Strategy,
  type StudyResult,
} from "./study";
import { simulatedAuthor, simulatedPromptId, simulatedTexts, type OutcomeRates, type Truth } from "./truth";

/**
 * A simulated study in the database: campaign `slug` with synthetic prompts answered by the
 * models of `truth`, simulated annotators as its members, opened like any campaign, then votes
 * cast through the scheduler and vote statements the web uses (`nextAssignmentFor`,
 * `recordVote`) on a simulated clock. What it stores is a campaign like any other: exports,
 * leaderboards and pages work on it.
 */

export interface SimulationSetup {
  slug: string;
  truth: Truth;
  strategy: Strategy;
  votes: number;
  annotators: number;
  prompts: number;
  seed: number;
  rates: OutcomeRates;
  noisyShare: number;
  votesPerDay: number;
  dailyCap: number | null;
  /** The campaign's stopping target, if any. */
  goal?: { stopTarget: StopTargetName | null; stopTargetValue: number | null };
}

export class SimulationError extends Error {}

export interface SimulatedCampaign {
  campaignId: string;
  modelIds: string[];
  annotatorIds: string[];
}

const DAY_MS = 86_400_000;

/** A model's id derived from its name, so that the same truth file gives the same pair order (uuids sort the pairs) in any database. */
function modelIdFor(name: string): string {
  const hex = createHash("sha256").update(`hikaku-simulated-model:${name}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function createSimulatedCampaign(setup: SimulationSetup, start: Date): Promise<SimulatedCampaign> {
  if (await db.campaign.findUnique({ where: { slug: setup.slug }, select: { id: true } }))
    throw new SimulationError(`a campaign "${setup.slug}" exists already: choose another --slug.`);
  const names = Object.keys(setup.truth);
  // A model named in an earlier study keeps its id.
  await db.model.createMany({ data: names.map((name) => ({ id: modelIdFor(name), name })), skipDuplicates: true });
  const created = await createCampaign(
    null,
    setup.slug,
    campaignSettingsSchema.parse({
      name: `Simulated study ${setup.slug}`,
      language: "en",
      strategy: setup.strategy,
      // Every annotator may judge every item once: the strategy alone decides where votes go.
      targetVotesPerItem: setup.annotators,
      dailyCapPerAnnotator: setup.dailyCap,
      identityWords: [],
      ...setup.goal,
    }),
  );
  if (!created.ok) throw new SimulationError(`a campaign "${setup.slug}" exists already: choose another --slug.`);
  const campaignId = created.id;

  const rows = [];
  for (let prompt = 0; prompt < setup.prompts; prompt++)
    for (const [index, model] of names.entries()) {
      const texts = simulatedTexts(prompt, index);
      rows.push({
        line: rows.length + 1,
        source: "simulation",
        promptId: simulatedPromptId(prompt),
        turns: [texts.prompt],
        model,
        outputTurns: [texts.answer],
      });
    }
  await importRows(null, campaignId, rows);
  const blocked = await db.item.count({ where: { campaignId, blocked: true } });
  if (blocked > 0)
    throw new SimulationError(`${blocked} simulated pairs were held back because an answer contains a model's name: rename the models.`);
  await setItemKeys(campaignId, setup.seed);

  const models = await db.model.findMany({ where: { name: { in: names } }, select: { id: true, name: true } });
  const modelIds = names.map((name) => models.find((m) => m.name === name)!.id);
  // Nobody signs in as a simulated annotator: one unknown random password for all of them.
  const passwordHash = await hashPassword(randomBytes(32).toString("hex"));
  const annotatorIds: string[] = [];
  for (let k = 0; k < setup.annotators; k++) {
    const user = await db.user.create({
      data: {
        email: `annotator-${k + 1}@${setup.slug}.simulated.invalid`,
        displayName: `Simulated annotator ${k + 1}`,
        passwordHash,
        role: "ANNOTATOR",
      },
      select: { id: true },
    });
    annotatorIds.push(user.id);
  }
  await db.campaignMember.createMany({ data: annotatorIds.map((userId) => ({ campaignId, userId })) });
  // The plan is dated at the start of the simulated clock, before the first simulated vote.
  await recordStudyPlan(campaignId, start);
  const opened = await setCampaignStatus(null, campaignId, "ACTIVE");
  if (!opened.ok) throw new SimulationError(`the simulated campaign could not open (${opened.code}).`);
  return { campaignId, modelIds, annotatorIds };
}

/** Item random keys from the seed, in the order prompt id, then pair (as MemoryScheduler draws them). */
async function setItemKeys(campaignId: string, seed: number): Promise<void> {
  const items = await sql.$queryRaw<{ id: string }[]>`
    SELECT i.id FROM "Item" i JOIN "Prompt" p ON p.id = i."promptId"
    WHERE i."campaignId" = ${campaignId}::uuid ORDER BY p."externalId", i."lowModelId", i."highModelId"`;
  const keys = seededRandom(seed, ITEM_KEY_STREAM);
  const values = items.map(() => keys());
  await sql.$executeRaw`
    UPDATE "Item" i SET "randomKey" = k.key FROM unnest(${items.map((i) => i.id)}::uuid[], ${values}::float8[]) AS k(id, key) WHERE i.id = k.id`;
}

/** The web's scheduler and vote path, seen by the simulator. */
export class DatabaseScheduler implements SchedulerUnderTest {
  constructor(private readonly study: SimulatedCampaign) {}

  async next(annotator: number, now: Date, random: () => number): Promise<NextPair> {
    const next = await nextAssignmentFor(this.study.annotatorIds[annotator], this.study.campaignId, sql, { random, now });
    if (next.status === "capReached" || next.status === "done") return { status: next.status };
    if (next.status !== "assigned") throw new SimulationError(`the scheduler answered "${next.status}" to a member of an open campaign.`);
    // The simulated annotator knows the model behind an answer from its text (simulatedTexts): no other read.
    const { id, leftTurns, rightTurns } = next.assignment;
    return { status: "assigned", pair: { assignmentId: id, left: simulatedAuthor(leftTurns[0]), right: simulatedAuthor(rightTurns[0]) } };
  }

  async vote(annotator: number, pair: HandedPair, outcome: CastVote["outcome"], durationMs: number, at: Date): Promise<boolean> {
    const result = await recordVote(
      this.study.annotatorIds[annotator],
      { assignmentId: pair.assignmentId, outcome, durationMs },
      { now: at },
    );
    return result.ok && !result.duplicate;
  }
}

/** The simulated clock starts at midnight UTC far enough back that, at `votesPerDay`, the votes end about now. */
export function simulationStart(votes: number, votesPerDay: number, now = new Date()): Date {
  const days = Math.ceil(votes / votesPerDay);
  return new Date((Math.floor(now.getTime() / DAY_MS) - days) * DAY_MS);
}

export async function simulate(
  setup: SimulationSetup,
  onVote?: (vote: CastVote) => void,
): Promise<SimulatedCampaign & StudyResult & { start: Date }> {
  const start = simulationStart(setup.votes, setup.votesPerDay);
  const study = await createSimulatedCampaign(setup, start);
  const result = await runStudy(
    new DatabaseScheduler(study),
    {
      votes: setup.votes,
      annotators: setup.annotators,
      ratings: Object.values(setup.truth),
      rates: setup.rates,
      noisyShare: setup.noisyShare,
      votesPerDay: setup.votesPerDay,
      seed: setup.seed,
      start,
    },
    onVote,
  );
  return { ...study, ...result, start };
}
