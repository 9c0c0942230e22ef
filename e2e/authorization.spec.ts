import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { expect, request as newRequest, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { hikakuCli, query, scratchDir, uniqueEmail, uniqueSuffix } from "./helpers";
import {
  ACTIONS,
  DISCOVER,
  PAGES,
  PASSWORD,
  ROLES,
  ROUTES,
  form,
  idle,
  type Expected,
  type Fixture,
  type Outcome,
  type Role,
} from "./authorization-table";

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
  const suffix = uniqueSuffix();
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
