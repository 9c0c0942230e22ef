import { test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { query, uniqueEmail, uniqueSuffix } from "./helpers";

/**
 * The authorisation matrix's table (e2e/authorization.spec.ts): for every page, route handler and
 * server action, how to call it and what each kind of user must get.
 */

export const ROLES = ["anonymous", "annotator", "outsider", "owner", "researcher", "admin", "disabled"] as const;
export type Role = (typeof ROLES)[number];
/** ok: served / done; signin: sent to sign in; forbidden: 403; notfound: 404 or "no such thing"; ignored: nothing happened. */
export type Outcome = "ok" | "signin" | "forbidden" | "notfound" | "ignored" | "redirect";
export type Expected = Record<Role, Outcome>;

export const PASSWORD = "matrix-password-123";
export const DISCOVER = Boolean(process.env.MATRIX_DISCOVER);

/** The rows for all roles: `allowed` get `ok`, everyone else what `denied` says for them. */
function cells(allowed: Role[], denied: Partial<Record<Role, Outcome>> & { other: Outcome }): Expected {
  return Object.fromEntries(ROLES.map((role) => [role, allowed.includes(role) ? "ok" : (denied[role] ?? denied.other)])) as Expected;
}
const SIGNED_OUT = { anonymous: "signin", disabled: "signin" } as const;

export interface Fixture {
  slug: string;
  campaignId: string;
  annotatorId: string;
  /** The open assignment of the campaign's annotator, as it is now (voting or skipping closes it and opens another). */
  assignmentId: () => Promise<string>;
  ownerTokenId: string;
  invitationToken: (role: Role) => Promise<string>;
  /** A throwaway user and member per role, for actions that change one. */
  victim: (role: Role) => Promise<{ id: string; email: string }>;
  invitationId: (role: Role) => Promise<string>;
  /** A live campaign of the same owner and annotator, one of its models (a spare, disabled), and a void battle of the annotator's. */
  liveSlug: string;
  liveCampaignId: string;
  spareEndpointId: string;
  battleId: string;
  /** One of the campaign's prompts (the matrix only ever takes it back, so it stays served). */
  promptId: string;
}

export function form(fields: Record<string, string | string[] | Blob>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) data.append(key, one);
  }
  return data;
}

export const idle = { status: "idle" };

interface ActionRow {
  page: (f: Fixture) => string;
  args: (f: Fixture, role: Role) => Promise<unknown[]>;
  /** For actions that return nothing: whether the change happened. */
  effect?: (f: Fixture, role: Role) => Promise<boolean>;
  expected: Expected;
}

// The policies most rows share.
/** The campaign's owner (and admins); members and outsiders are refused, anyone else finds nothing. */
const RESEARCH = cells(["owner", "admin"], { ...SIGNED_OUT, annotator: "forbidden", outsider: "forbidden", other: "notfound" });
/** A results page of the campaign: only its owner and admins find it. */
const CAMPAIGN_RESULTS = cells(["owner", "admin"], { ...SIGNED_OUT, other: "notfound" });
/** The campaign's own annotator; for anyone else there is nothing to vote on. */
const ANNOTATOR = cells(["annotator"], { ...SIGNED_OUT, other: "notfound" });
/** Any researcher (owners and admins are researchers too). */
const RESEARCHER = cells(["owner", "researcher", "admin"], { ...SIGNED_OUT, other: "forbidden" });
const ADMIN = cells(["admin"], { ...SIGNED_OUT, other: "forbidden" });
const EVERYONE = cells([...ROLES], { other: "ok" });

export const ACTIONS: Record<string, ActionRow> = {
  "lib/live/actions.ts#addModelAction": {
    page: (f) => `/campaigns/${f.liveSlug}`,
    args: async (f, role) => [
      idle,
      form({ campaignId: f.liveCampaignId, slug: f.liveSlug, name: `matrix-added-${role}-${uniqueSuffix()}`, kind: "PULLED" }),
    ],
    expected: RESEARCH,
  },
  "lib/live/actions.ts#testModelAction": {
    page: (f) => `/campaigns/${f.liveSlug}`,
    args: async (f) => [{ campaignId: f.liveCampaignId, endpointId: f.spareEndpointId }],
    expected: RESEARCH,
  },
  "lib/live/actions.ts#setModelEnabledAction": {
    page: (f) => `/campaigns/${f.liveSlug}`,
    args: async (f) => {
      await query(`UPDATE "ModelEndpoint" SET enabled = false WHERE id = $1`, [f.spareEndpointId]);
      return [form({ campaignId: f.liveCampaignId, slug: f.liveSlug, endpointId: f.spareEndpointId, enabled: "true" })];
    },
    effect: async (f) =>
      (await query<{ enabled: boolean }>(`SELECT enabled FROM "ModelEndpoint" WHERE id = $1`, [f.spareEndpointId]))[0].enabled,
    expected: cells(["owner", "admin"], { ...SIGNED_OUT, annotator: "forbidden", outsider: "forbidden", other: "ignored" }),
  },
  "lib/users/actions.ts#signUpAction": {
    page: () => "/sign-in",
    args: async (f, role) => {
      const token = await f.invitationToken(role);
      return [
        idle,
        form({ token, email: uniqueEmail(`invited-${role}`), displayName: "Invited", password: PASSWORD, passwordConfirm: PASSWORD }),
      ];
    },
    expected: EVERYONE,
  },
  "lib/benchmarks/actions.ts#importScoresAction": {
    page: (f) => `/campaigns/${f.slug}/correlations`,
    args: async (f) => [
      idle,
      form({
        campaignId: f.campaignId,
        slug: f.slug,
        file: new File([`model,benchmark,score\nmatrix-a-${f.slug},bench,1\n`], "scores.csv"),
      }),
    ],
    expected: RESEARCH,
  },
  "lib/judges/actions.ts#importJudgmentsAction": {
    page: (f) => `/campaigns/${f.slug}/judges`,
    args: async (f) => [
      idle,
      form({
        campaignId: f.campaignId,
        slug: f.slug,
        name: "",
        file: new File(
          [
            JSON.stringify({
              question_id: "p0",
              model_1: `matrix-a-${f.slug}`,
              model_2: `matrix-b-${f.slug}`,
              g1_winner: "model_1",
              g2_winner: "model_1",
              judge: ["gpt-4", "pair-v2"],
              turn: 1,
            }),
          ],
          "gpt-4_pair.jsonl",
        ),
      }),
    ],
    expected: RESEARCH,
  },
  "lib/judges/actions.ts#startJudgeRunAction": {
    page: (f) => `/campaigns/${f.slug}/judges`,
    // Port 9 answers nothing: the run starts, its calls fail, and nothing else happens.
    args: async (f, role) => [
      idle,
      form({
        campaignId: f.campaignId,
        slug: f.slug,
        name: `matrix-run-${role}`,
        baseUrl: "http://127.0.0.1:9/v1",
        prompt: "pair",
        limit: "1",
        concurrency: "1",
      }),
    ],
    expected: RESEARCH,
  },
  "lib/judges/actions.ts#resumeJudgeRunAction": {
    page: (f) => `/campaigns/${f.slug}/judges`,
    args: async (f) => {
      await query(
        `INSERT INTO "Judge" (id, "campaignId", name, kind, "baseUrl") VALUES (gen_random_uuid(), $1, 'matrix-resumed', 'RUN', 'http://127.0.0.1:9/v1')
         ON CONFLICT ("campaignId", name) DO NOTHING`,
        [f.campaignId],
      );
      const [{ id }] = await query<{ id: string }>(`SELECT id FROM "Judge" WHERE "campaignId" = $1 AND name = 'matrix-resumed'`, [
        f.campaignId,
      ]);
      return [idle, form({ campaignId: f.campaignId, slug: f.slug, judgeId: id })];
    },
    expected: RESEARCH,
  },
  "lib/campaigns/actions.ts#setAnnotatorFlagAction": {
    page: (f) => `/campaigns/${f.slug}/annotators`,
    args: async (f) => [idle, form({ campaignId: f.campaignId, slug: f.slug, userId: f.annotatorId, flagged: "false" })],
    expected: RESEARCH,
  },
  "lib/prompts/actions.ts#setPromptExcludedAction": {
    page: (f) => `/campaigns/${f.slug}/prompts`,
    args: async (f) => [idle, form({ campaignId: f.campaignId, slug: f.slug, promptId: f.promptId, excluded: "false" })],
    expected: RESEARCH,
  },
  "lib/campaigns/actions.ts#createCampaignAction": {
    page: () => "/campaigns",
    args: async (_f, role) => [idle, form({ slug: `matrix-new-${role}-${uniqueSuffix()}`, name: "Created in the matrix" })],
    expected: RESEARCHER,
  },
  "lib/campaigns/actions.ts#updateSettingsAction": {
    page: (f) => `/campaigns/${f.slug}`,
    args: async (f) => [
      idle,
      form({
        campaignId: f.campaignId,
        name: "Matrix campaign",
        instructions: "",
        language: "ja",
        allowedOutcomes: ["LEFT", "RIGHT", "TIE"],
        reasonPolicy: "OPTIONAL",
        correctionPolicy: "OFF",
        strategy: "BALANCED",
        targetVotesPerItem: "3",
        assignmentTtlMinutes: "30",
      }),
    ],
    expected: RESEARCH,
  },
  "lib/campaigns/actions.ts#setStatusAction": {
    page: (f) => `/campaigns/${f.slug}`,
    // Active → active is refused as a transition, after the caller's access was checked.
    args: async (f) => [idle, form({ campaignId: f.campaignId, slug: f.slug, status: "ACTIVE" })],
    expected: RESEARCH,
  },
  "lib/campaigns/actions.ts#addMemberAction": {
    page: (f) => `/campaigns/${f.slug}`,
    args: async (f, role) => [idle, form({ campaignId: f.campaignId, slug: f.slug, email: (await f.victim(role)).email })],
    expected: RESEARCH,
  },
  "lib/campaigns/actions.ts#removeMemberAction": {
    page: (f) => `/campaigns/${f.slug}`,
    args: async (f, role) => [form({ campaignId: f.campaignId, slug: f.slug, userId: (await f.victim(role)).id })],
    effect: async (f, role) =>
      (await query(`SELECT 1 FROM "CampaignMember" WHERE "campaignId" = $1 AND "userId" = $2`, [f.campaignId, (await f.victim(role)).id]))
        .length === 0,
    expected: cells(["owner", "admin"], { ...SIGNED_OUT, annotator: "forbidden", outsider: "forbidden", other: "ignored" }),
  },
  "lib/auth/actions.ts#createTokenAction": {
    page: () => "/settings/tokens",
    args: async () => [idle, form({ name: "matrix token" })],
    expected: RESEARCHER,
  },
  "lib/auth/actions.ts#revokeTokenAction": {
    page: () => "/settings/tokens",
    // The owner's token: anyone else's attempt is on someone else's token.
    args: async (f) => [idle, form({ tokenId: f.ownerTokenId })],
    expected: cells(["owner"], { ...SIGNED_OUT, annotator: "forbidden", outsider: "forbidden", other: "notfound" }),
  },
  "lib/users/actions.ts#changeRoleAction": {
    page: () => "/admin/users",
    args: async (f, role) => [idle, form({ userId: (await f.victim(role)).id, role: "RESEARCHER" })],
    expected: ADMIN,
  },
  "lib/users/actions.ts#setUserDisabledAction": {
    page: () => "/admin/users",
    args: async (f, role) => [idle, form({ userId: (await f.victim(role)).id, disabled: "true" })],
    expected: ADMIN,
  },
  "lib/users/actions.ts#createInvitationAction": {
    page: () => "/admin/users",
    args: async (f) => [idle, form({ role: "ANNOTATOR", email: "", campaignId: f.campaignId, expiresInDays: "7" })],
    expected: ADMIN,
  },
  "lib/users/actions.ts#withdrawInvitationAction": {
    page: () => "/admin/users",
    args: async (f, role) => [form({ invitationId: await f.invitationId(role) })],
    effect: async (f, role) =>
      (
        await query<{ revoked: boolean }>(`SELECT "revokedAt" IS NOT NULL AS revoked FROM "Invitation" WHERE id = $1`, [
          await f.invitationId(role),
        ])
      )[0].revoked,
    expected: ADMIN,
  },
  "lib/i18n/actions.ts#setLocaleAction": {
    page: () => "/sign-in",
    args: async () => ["en"],
    expected: EVERYONE,
  },
};

export const PAGES: Record<string, { path: (f: Fixture) => string; expected: Expected }> = {
  "app/page.tsx": { path: () => "/", expected: cells([], { anonymous: "signin", disabled: "signin", other: "redirect" }) },
  // Someone signed in is sent on to their own start page.
  "app/(auth)/sign-in/page.tsx": { path: () => "/sign-in", expected: cells(["anonymous", "disabled"], { other: "redirect" }) },
  "app/(auth)/invite/[token]/page.tsx": {
    path: () => "/invite/no-such-invitation-token-0000",
    expected: EVERYONE,
  },
  "app/(annotate)/vote/page.tsx": {
    path: () => "/vote",
    expected: cells(["annotator", "outsider", "owner", "researcher", "admin"], { ...SIGNED_OUT, other: "signin" }),
  },
  "app/(annotate)/vote/[slug]/page.tsx": {
    path: (f) => `/vote/${f.slug}`,
    expected: ANNOTATOR,
  },
  "app/(research)/campaigns/page.tsx": {
    path: () => "/campaigns",
    expected: RESEARCHER,
  },
  "app/(research)/campaigns/[slug]/page.tsx": { path: (f) => `/campaigns/${f.slug}`, expected: RESEARCH },
  "app/(research)/campaigns/[slug]/leaderboard/page.tsx": {
    path: (f) => `/campaigns/${f.slug}/leaderboard`,
    expected: CAMPAIGN_RESULTS,
  },
  "app/(research)/campaigns/[slug]/correlations/page.tsx": {
    path: (f) => `/campaigns/${f.slug}/correlations`,
    expected: CAMPAIGN_RESULTS,
  },
  "app/(research)/campaigns/[slug]/judges/page.tsx": {
    path: (f) => `/campaigns/${f.slug}/judges`,
    expected: CAMPAIGN_RESULTS,
  },
  "app/(research)/campaigns/[slug]/annotators/page.tsx": {
    path: (f) => `/campaigns/${f.slug}/annotators`,
    expected: CAMPAIGN_RESULTS,
  },
  "app/(research)/campaigns/[slug]/corrections/page.tsx": {
    path: (f) => `/campaigns/${f.slug}/corrections`,
    expected: CAMPAIGN_RESULTS,
  },
  "app/(research)/campaigns/[slug]/prompts/page.tsx": {
    path: (f) => `/campaigns/${f.slug}/prompts`,
    expected: CAMPAIGN_RESULTS,
  },
  "app/(research)/settings/tokens/page.tsx": {
    path: () => "/settings/tokens",
    expected: RESEARCHER,
  },
  "app/(admin)/admin/users/page.tsx": { path: () => "/admin/users", expected: ADMIN },
};

/** Route handlers: JSON errors, never a redirect. */
const API = cells(["owner", "admin"], {
  anonymous: "signin",
  disabled: "signin",
  annotator: "forbidden",
  outsider: "forbidden",
  other: "notfound",
});
export const ROUTES: Record<string, { request: (r: APIRequestContext, f: Fixture) => Promise<APIResponse>; expected: Expected }> = {
  "app/api/v1/campaigns/[slug]/leaderboard/route.ts": {
    request: (r, f) => r.get(`/api/v1/campaigns/${f.slug}/leaderboard`),
    expected: API,
  },
  "app/api/v1/campaigns/[slug]/votes/route.ts": { request: (r, f) => r.get(`/api/v1/campaigns/${f.slug}/votes?format=csv`), expected: API },
  "app/api/v1/campaigns/[slug]/study/route.ts": { request: (r, f) => r.get(`/api/v1/campaigns/${f.slug}/study`), expected: API },
  "app/api/v1/campaigns/[slug]/imports/route.ts": {
    request: (r, f) =>
      r.post(`/api/v1/campaigns/${f.slug}/imports`, {
        // As the campaign page sends it: uploads from other origins are refused (tested in imports.spec.ts).
        headers: { origin: new URL(test.info().project.use.baseURL!).origin },
        multipart: {
          file: {
            name: "rows.jsonl",
            mimeType: "application/x-ndjson",
            buffer: Buffer.from(`{"prompt_id":"matrix-extra","prompt":"More?"}\n`),
          },
        },
      }),
    expected: API,
  },
  // A vote, always on the campaign annotator's assignment: for anyone else it is someone else's.
  "app/api/v1/votes/route.ts": {
    request: async (r, f) => r.post("/api/v1/votes", { data: { assignmentId: await f.assignmentId(), outcome: "LEFT", durationMs: 3000 } }),
    expected: ANNOTATOR,
  },
  // A skip and a fresh pair, like the vote: only the campaign's annotator has a pair to skip or a campaign to be served from.
  "app/api/v1/pairs/skip/route.ts": {
    request: async (r, f) => r.post("/api/v1/pairs/skip", { data: { assignmentId: await f.assignmentId() } }),
    expected: ANNOTATOR,
  },
  "app/api/v1/pairs/next/route.ts": {
    request: (r, f) => r.post("/api/v1/pairs/next", { data: { campaignId: f.campaignId } }),
    expected: ANNOTATOR,
  },
  // A live prompt: the campaign's own annotator's is sent (its pushed models refuse connections,
  // so the battle is void at once and the answer stream ends); anyone else finds no campaign.
  "app/api/v1/live/battles/route.ts": {
    request: (r, f) => r.post("/api/v1/live/battles", { data: { campaignId: f.liveCampaignId, prompt: "A prompt from the matrix" } }),
    expected: ANNOTATOR,
  },
  // Only the battle's own annotator may follow it; a session is no worker token.
  "app/api/v1/live/battles/[id]/events/route.ts": {
    request: (r, f) => r.get(`/api/v1/live/battles/${f.battleId}/events`),
    expected: cells(["annotator"], { ...SIGNED_OUT, other: "notfound" }),
  },
  "app/api/v1/worker/next/route.ts": { request: (r) => r.post("/api/v1/worker/next"), expected: cells([], { other: "signin" }) },
  "app/api/v1/worker/jobs/[id]/answer/route.ts": {
    request: (r) => r.post("/api/v1/worker/jobs/matrix-job-id-0000000000.1/answer", { data: { content: "An answer" } }),
    expected: cells([], { other: "signin" }),
  },
  "app/api/v1/worker/jobs/[id]/chunks/route.ts": {
    request: (r) => r.post("/api/v1/worker/jobs/matrix-job-id-0000000000.1/chunks", { data: { delta: "An" } }),
    expected: cells([], { other: "signin" }),
  },
  // Probes for load balancers: public by design, and they tell nothing but that the instance serves.
  "app/api/health/route.ts": { request: (r) => r.get("/api/health"), expected: EVERYONE },
  "app/api/ready/route.ts": { request: (r) => r.get("/api/ready"), expected: EVERYONE },
  // Prometheus: no session opens it, only the operator's token (e2e/operations.spec.ts).
  "app/metrics/route.ts": { request: (r) => r.get("/metrics"), expected: cells([], { other: "signin" }) },
  // next-auth's own endpoints are public by design (sign-in, CSRF token, session).
  "app/api/auth/[...nextauth]/route.ts": { request: (r) => r.get("/api/auth/csrf"), expected: EVERYONE },
};
