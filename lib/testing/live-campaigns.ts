import { createCampaign } from "@/lib/campaigns/manage";
import { campaignSettingsSchema, liveSettingsSchema, type LiveSettings } from "@/lib/campaigns/settings";
import { db } from "@/lib/db";
import { addEndpoint, endpointInputSchema, type EndpointInput } from "@/lib/live/endpoints";
import { battleEvents, type BattleState, type LiveEvent } from "@/lib/live/stream";
import { afterAll, beforeAll } from "vitest";
import { closeLiveHub } from "@/lib/live/notify";
import { createTestUser, uniqueSuffix } from "./factories";
import { startFakeOpenAi, type FakeOpenAi } from "./fake-openai";

/** What the live battle tests share: a campaign with models behind the test's model server, and a battle's events as a browser gets them. */

export type TestModel = { name: string } & Partial<EndpointInput>;

/** An active live campaign with the given models (pushed to the model server at `baseUrl` unless `kind: "PULLED"`) and one annotator. */
export async function liveCampaignAt(baseUrl: string, models: TestModel[], live: Partial<LiveSettings> = {}) {
  const slug = `live-${uniqueSuffix()}`;
  const created = await createCampaign(
    null,
    slug,
    campaignSettingsSchema.parse({ name: slug }),
    liveSettingsSchema.parse({ live: true, ...live }),
  );
  if (!created.ok) throw new Error("campaign not created");
  const tokens = new Map<string, string>();
  for (const model of models) {
    const name = `${model.name}-${uniqueSuffix()}`;
    const input = endpointInputSchema.parse({
      kind: "PUSHED",
      baseUrl,
      apiKey: "sk-test-secret",
      params: { temperature: 0.3 },
      ...model,
      name,
    });
    const added = await addEndpoint(null, created.id, input);
    if (!added.ok) throw new Error(added.code);
    if (added.workerToken) tokens.set(model.name, added.workerToken);
  }
  await db.campaign.update({ where: { id: created.id }, data: { status: "ACTIVE" } });
  const annotator = await createTestUser();
  await db.campaignMember.create({ data: { campaignId: created.id, userId: annotator.id } });
  return { campaignId: created.id, annotator, tokens };
}

/** Every event of a battle's current turn, as the annotator's browser would receive them. */
export async function collect(
  annotatorId: string,
  battleId: string,
  signal = new AbortController().signal,
  known?: BattleState,
): Promise<LiveEvent[]> {
  const events: LiveEvent[] = [];
  for await (const batch of battleEvents(annotatorId, battleId, signal, known)) events.push(...batch);
  return events;
}

export function textOf(events: LiveEvent[], side: "left" | "right"): string {
  let text = "";
  for (const event of events) {
    if (event.type === "reset" && event.side === side) text = "";
    if (event.type === "delta" && event.side === side) text += event.text;
  }
  return text;
}

export async function battleRow(battleId: string) {
  return db.liveBattle.findUniqueOrThrow({ where: { id: battleId }, include: { jobs: true } });
}

/**
 * The test file's own model server, started before its tests and stopped after them (with the
 * live wake-ups' connection), and campaigns whose pushed models it answers.
 */
export function liveTestServer(): {
  fake: FakeOpenAi;
  liveCampaign: (models: TestModel[], live?: Partial<LiveSettings>) => ReturnType<typeof liveCampaignAt>;
} {
  const server = {
    fake: undefined as unknown as FakeOpenAi,
    liveCampaign: (models: TestModel[], live: Partial<LiveSettings> = {}) => liveCampaignAt(server.fake.baseUrl, models, live),
  };
  beforeAll(async () => {
    server.fake = await startFakeOpenAi({ tokenDelayMs: 2 });
  });
  afterAll(async () => {
    await server.fake.close();
    await closeLiveHub();
  });
  return server;
}
