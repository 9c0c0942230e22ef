import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { expect, request as newRequest, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { hikakuCli, query, scratchDir, uniqueEmail } from "./helpers";

/**
 * The authorisation matrix: every page, route handler and server action of the app, called over
 * real HTTP as each kind of user — signed out, an annotator of the campaign, an annotator of
 * another, the researcher who owns the campaign, another researcher, an admin, and a user who
 * was disabled after signing in — with forged ids where an action takes one (another user's
 * assignment or token, another researcher's campaign). Each cell says what must happen. The
 * table must name every page, route and action the build has: a new one without a row fails.
 */

const require = createRequire(import.meta.url);
const { encodeReply } = require("next/dist/compiled/react-server-dom-turbopack/client.node.js") as {
  encodeReply: (value: unknown) => Promise<string | FormData>;
};

const ROLES = ["anonymous", "annotator", "outsider", "owner", "researcher", "admin", "disabled"] as const;
type Role = (typeof ROLES)[number];
/** ok: served / done; signin: sent to sign in; forbidden: 403; notfound: 404 or "no such thing"; ignored: nothing happened. */
type Outcome = "ok" | "signin" | "forbidden" | "notfound" | "ignored" | "redirect";
type Expected = Record<Role, Outcome>;

const PASSWORD = "matrix-password-123";
const DISCOVER = Boolean(process.env.MATRIX_DISCOVER);

/** The rows for all roles: `allowed` get `ok`, everyone else what `denied` says for them. */
function cells(allowed: Role[], denied: Partial<Record<Role, Outcome>> & { other: Outcome }): Expected {
  return Object.fromEntries(ROLES.map((role) => [role, allowed.includes(role) ? "ok" : (denied[role] ?? denied.other)])) as Expected;
}
const SIGNED_OUT = { anonymous: "signin", disabled: "signin" } as const;

interface Fixture {
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

function read<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

function files(dir: string, name: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return files(path, name);
    return entry === name ? [path] : [];
  });
}

function form(fields: Record<string, string | string[] | Blob>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) data.append(key, one);
  }
  return data;
}

const idle = { status: "idle" };

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

const ACTIONS: Record<string, ActionRow> = {
  "lib/live/actions.ts#addModelAction": {
    page: (f) => `/campaigns/${f.liveSlug}`,
    args: async (f, role) => [
      idle,
      form({ campaignId: f.liveCampaignId, slug: f.liveSlug, name: `matrix-added-${role}-${Date.now().toString(36)}`, kind: "PULLED" }),
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
    args: async (_f, role) => [idle, form({ slug: `matrix-new-${role}-${Date.now().toString(36)}`, name: "Created in the matrix" })],
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

const PAGES: Record<string, { path: (f: Fixture) => string; expected: Expected }> = {
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
const ROUTES: Record<string, { request: (r: APIRequestContext, f: Fixture) => Promise<APIResponse>; expected: Expected }> = {
  "app/api/v1/campaigns/[slug]/leaderboard/route.ts": {
    request: (r, f) => r.get(`/api/v1/campaigns/${f.slug}/leaderboard`),
    expected: API,
  },
  "app/api/v1/campaigns/[slug]/votes/route.ts": { request: (r, f) => r.get(`/api/v1/campaigns/${f.slug}/votes?format=csv`), expected: API },
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
  // next-auth's own endpoints are public by design (sign-in, CSRF token, session).
  "app/api/auth/[...nextauth]/route.ts": { request: (r) => r.get("/api/auth/csrf"), expected: EVERYONE },
};

function pageOutcome(response: APIResponse): Outcome {
  const status = response.status();
  if (status === 200) return "ok";
  if (status === 403) return "forbidden";
  if (status === 404) return "notfound";
  if (status >= 300 && status < 400) return /\/sign-in/.test(response.headers().location ?? "") ? "signin" : "redirect";
  return `unexpected ${status}` as Outcome;
}

function routeOutcome(response: APIResponse): Outcome {
  const status = response.status();
  if (status === 200) return "ok";
  if (status === 401) return "signin";
  if (status === 403) return "forbidden";
  if (status === 404) return "notfound";
  return `unexpected ${status}` as Outcome;
}

async function callAction(r: APIRequestContext, id: string, page: string, args: unknown[]): Promise<{ outcome: Outcome; body: string }> {
  // Sent as the browser sends it (React's reply encoding, with fetch's own multipart for FormData),
  // with the session's cookies.
  const { cookies } = await r.storageState();
  const base = test.info().project.use.baseURL!;
  const response = await fetch(`${base}${page}`, {
    method: "POST",
    headers: {
      "next-action": id,
      accept: "text/x-component",
      cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "),
      origin: base,
    },
    body: await encodeReply(args),
    redirect: "manual",
  });
  const body = await response.text();
  const status = response.status;
  const redirect = response.headers.get("x-action-redirect") ?? response.headers.get("location") ?? "";
  if (status === 403 || /NEXT_HTTP_ERROR_FALLBACK;403/.test(body)) return { outcome: "forbidden", body };
  if (status === 404 || /NEXT_HTTP_ERROR_FALLBACK;404/.test(body)) return { outcome: "notfound", body };
  if (/\/sign-in/.test(redirect)) return { outcome: "signin", body };
  if (redirect) return { outcome: "ok", body };
  if (status !== 200) return { outcome: `unexpected ${status}` as Outcome, body };
  if (/"code":"NOT_FOUND"|"status":"notMember"/.test(body)) return { outcome: "notfound", body };
  return { outcome: "ok", body };
}

const sessions = new Map<Role, APIRequestContext>();
let fixture: Fixture;

async function signedIn(baseURL: string, email: string): Promise<APIRequestContext> {
  const context = await newRequest.newContext({ baseURL });
  const { csrfToken } = (await (await context.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await context.post("/api/auth/callback/credentials", { form: { csrfToken, email, password: PASSWORD, json: "true" }, maxRedirects: 0 });
  const cookies = await context.storageState();
  if (!cookies.cookies.some((c) => c.name.includes("session-token"))) throw new Error(`could not sign in ${email}`);
  return context;
}

test.beforeAll(async ({ baseURL }) => {
  // About twenty CLI runs, each a process start of a few seconds: past the default minute when
  // other work shares the machine's two cores (seen once in a five-run loop beside a mutation run).
  test.setTimeout(240_000);
  const suffix = Date.now().toString(36);
  const slug = `matrix-${suffix}`;
  const email = Object.fromEntries(ROLES.map((role) => [role, uniqueEmail(`matrix-${role}`)])) as Record<Role, string>;
  const roleOf: Record<Role, string> = {
    anonymous: "ANNOTATOR",
    annotator: "ANNOTATOR",
    outsider: "ANNOTATOR",
    owner: "RESEARCHER",
    researcher: "RESEARCHER",
    admin: "ADMIN",
    disabled: "RESEARCHER",
  };
  for (const role of ROLES.filter((r) => r !== "anonymous")) {
    hikakuCli(["user", "create", "--email", email[role], "--role", roleOf[role], "--password", PASSWORD]);
  }
  const dir = scratchDir();
  const rows = [0, 1, 2].flatMap((p) =>
    ["a", "b"].map((m) => ({ prompt_id: `p${p}`, prompt: `Prompt ${p}`, model: `matrix-${m}-${slug}`, output: `Answer ${m}${p}` })),
  );
  writeFileSync(join(dir, "rows.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n"));
  hikakuCli(["campaign", "create", "--slug", slug, "--name", "Matrix", "--owner", email.owner]);
  hikakuCli(["import", "--campaign", slug, "--file", join(dir, "rows.jsonl")]);
  hikakuCli(["campaign", "add-member", "--slug", slug, "--email", email.annotator]);
  hikakuCli(["campaign", "status", "--slug", slug, "--to", "ACTIVE"]);

  sessions.set("anonymous", await newRequest.newContext({ baseURL }));
  for (const role of ROLES.filter((r) => r !== "anonymous")) sessions.set(role, await signedIn(baseURL!, email[role]));
  // Signed in, then disabled: the session cookie is still there, and must be worth nothing.
  await query(`UPDATE "User" SET disabled = true WHERE email = $1`, [email.disabled]);

  const [{ id: campaignId }] = await query<{ id: string }>(`SELECT id FROM "Campaign" WHERE slug = $1`, [slug]);
  const [{ id: annotatorId }] = await query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [email.annotator]);
  const [{ id: promptId }] = await query<{ id: string }>(`SELECT id FROM "Prompt" WHERE "campaignId" = $1 AND "externalId" = 'p0'`, [
    campaignId,
  ]);

  const liveSlug = `matrix-live-${suffix}`;
  hikakuCli(["campaign", "create", "--slug", liveSlug, "--name", "Matrix live", "--owner", email.owner, "--live"]);
  // Two pushed models whose address refuses connections (every pair has one: a prompt's battle is
  // void at once) and a pulled one.
  for (const model of ["one", "two"])
    hikakuCli(["model", "add", "--campaign", liveSlug, "--name", `matrix-live-${model}-${suffix}`, "--base-url", "http://127.0.0.1:9/v1"]);
  hikakuCli(["model", "add", "--campaign", liveSlug, "--name", `matrix-live-spare-${suffix}`, "--worker"]);
  hikakuCli(["campaign", "add-member", "--slug", liveSlug, "--email", email.annotator]);
  hikakuCli(["campaign", "status", "--slug", liveSlug, "--to", "ACTIVE"]);
  const [{ id: liveCampaignId }] = await query<{ id: string }>(`SELECT id FROM "Campaign" WHERE slug = $1`, [liveSlug]);
  const [{ id: spareEndpointId }] = await query<{ id: string }>(
    `SELECT e.id FROM "ModelEndpoint" e JOIN "Model" m ON m.id = e."modelId" WHERE m.name = $1`,
    [`matrix-live-spare-${suffix}`],
  );
  const battleId = randomBytes(32).toString("base64url");
  await query(
    `INSERT INTO "LiveBattle" (id, "campaignId", "annotatorId", state, "userTurns", "leftEndpointId", "rightEndpointId", "voidCause", "updatedAt")
     VALUES ($1, $2, $3, 'VOIDED', '["Hello"]', $4, $4, 'cancelled', now())`,
    [battleId, liveCampaignId, annotatorId, spareEndpointId],
  );
  // The annotator's open pair (opening the voting page claims one).
  const assignmentId = async () => {
    await sessions.get("annotator")!.get(`/vote/${slug}`);
    const open = await query<{ id: string }>(`SELECT id FROM "Assignment" WHERE "annotatorId" = $1 AND state = 'OPEN'`, [annotatorId]);
    expect(open).toHaveLength(1);
    return open[0].id;
  };
  const created = await callAction(sessions.get("owner")!, actionIds()["lib/auth/actions.ts#createTokenAction"], "/settings/tokens", [
    idle,
    form({ name: "owner's token" }),
  ]);
  expect(created.outcome, created.body.slice(0, 500)).toBe("ok");
  expect(created.body, "the action ran").toContain("created");
  const [{ id: ownerTokenId }] = await query<{ id: string }>(
    `SELECT t.id FROM "ApiToken" t JOIN "User" u ON u.id = t."userId" WHERE u.email = $1 ORDER BY t."createdAt" DESC LIMIT 1`,
    [email.owner],
  );

  const [{ id: adminId }] = await query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [email.admin]);
  /** An invitation made by the admin, as the Users page makes them (only the token's hash is stored). */
  const newInvitation = async (tokenHash: string) =>
    (
      await query<{ id: string }>(
        `INSERT INTO "Invitation" (id, "tokenHash", role, "createdById", "expiresAt") VALUES (gen_random_uuid(), $1, 'ANNOTATOR', $2, now() + interval '1 day') RETURNING id`,
        [tokenHash, adminId],
      )
    )[0].id;
  const victims = new Map<Role, { id: string; email: string }>();
  const invitations = new Map<Role, string>();
  fixture = {
    slug,
    campaignId,
    liveSlug,
    liveCampaignId,
    spareEndpointId,
    battleId,
    promptId,
    annotatorId,
    assignmentId,
    ownerTokenId,
    invitationToken: async () => {
      const token = randomBytes(32).toString("base64url");
      await newInvitation(createHash("sha256").update(token).digest("hex"));
      return token;
    },
    victim: async (role) => {
      if (!victims.has(role)) {
        const victim = uniqueEmail(`victim-${role}`);
        hikakuCli(["user", "create", "--email", victim, "--role", "ANNOTATOR", "--password", PASSWORD]);
        hikakuCli(["campaign", "add-member", "--slug", slug, "--email", victim]);
        const [{ id }] = await query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [victim]);
        victims.set(role, { id, email: victim });
      }
      return victims.get(role)!;
    },
    invitationId: async (role) => {
      if (!invitations.has(role)) {
        invitations.set(role, await newInvitation(randomBytes(32).toString("hex")));
      }
      return invitations.get(role)!;
    },
  };
});

test.afterAll(async () => {
  for (const context of sessions.values()) await context.dispose();
});

function actionIds(): Record<string, string> {
  const manifest = read<{ node: Record<string, { filename: string; exportedName: string }> }>(
    ".next/server/server-reference-manifest.json",
  );
  return Object.fromEntries(Object.entries(manifest.node).map(([id, { filename, exportedName }]) => [`${filename}#${exportedName}`, id]));
}

test("the table names every page, route handler and server action the app has", () => {
  const root = process.cwd();
  expect(
    files(join(root, "app"), "page.tsx")
      .map((p) => relative(root, p))
      .sort(),
  ).toEqual(Object.keys(PAGES).sort());
  expect(
    files(join(root, "app"), "route.ts")
      .map((p) => relative(root, p))
      .sort(),
  ).toEqual(Object.keys(ROUTES).sort());
  expect(Object.keys(actionIds()).sort()).toEqual(Object.keys(ACTIONS).sort());
});

test("pages allow and deny each kind of user as the table says", async () => {
  const found: Record<string, Partial<Expected>> = {};
  for (const [file, row] of Object.entries(PAGES)) {
    for (const role of ROLES) {
      const response = await sessions.get(role)!.get(row.path(fixture), { maxRedirects: 0 });
      (found[file] ??= {})[role] = pageOutcome(response);
    }
  }
  if (DISCOVER) console.log(JSON.stringify(found, null, 1));
  expect(found).toEqual(Object.fromEntries(Object.entries(PAGES).map(([file, row]) => [file, row.expected])));
});

test("route handlers allow and deny each kind of user as the table says", async () => {
  const found: Record<string, Partial<Expected>> = {};
  for (const [file, row] of Object.entries(ROUTES)) {
    for (const role of ROLES) (found[file] ??= {})[role] = routeOutcome(await row.request(sessions.get(role)!, fixture));
  }
  if (DISCOVER) console.log(JSON.stringify(found, null, 1));
  expect(found).toEqual(Object.fromEntries(Object.entries(ROUTES).map(([file, row]) => [file, row.expected])));
});

test("server actions allow and deny each kind of user as the table says, forged ids included", async () => {
  const ids = actionIds();
  const found: Record<string, Partial<Expected>> = {};
  // The annotator goes last: their successful vote would close the assignment the others forge.
  const order: Role[] = ["anonymous", "outsider", "owner", "researcher", "admin", "disabled", "annotator"];
  for (const [key, row] of Object.entries(ACTIONS)) {
    for (const role of order) {
      const { outcome, body } = await callAction(sessions.get(role)!, ids[key], row.page(fixture), await row.args(fixture, role));
      let result = outcome;
      if (row.effect && outcome === "ok") result = (await row.effect(fixture, role)) ? "ok" : "ignored";
      (found[key] ??= {})[role] = result;
      if (DISCOVER && result === "ok") console.log(key, role, body.slice(0, 160).replace(/\n/g, " "));
    }
  }
  if (DISCOVER) console.log(JSON.stringify(found, null, 1));
  expect(found).toEqual(Object.fromEntries(Object.entries(ACTIONS).map(([key, row]) => [key, row.expected])));
});
