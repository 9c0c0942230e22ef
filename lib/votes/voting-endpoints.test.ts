import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { createAnnotators, createVotingCampaign } from "@/lib/testing/factories";
import { ownEndpointsOnly } from "@/lib/own-endpoints";
import { serveNodeHandler, sessionCookie } from "@/lib/testing/node-handler";

/** The voting page's endpoints as the production server answers them itself (lib/own-endpoints.ts), over real HTTP. */
const SECRET = "node-vote-test-secret-0123456789abcdef";
let server: Awaited<ReturnType<typeof serveNodeHandler>>;
let base: string;

beforeAll(async () => {
  server = await serveNodeHandler(ownEndpointsOnly(SECRET));
  base = server.base;
});

afterAll(async () => {
  await server.close();
});

const cookieFor = (userId: string) => sessionCookie(userId, SECRET);

function post(body: string, headers: Record<string, string> = {}, path = "/api/v1/votes") {
  return fetch(`${base}${path}`, { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } });
}

/** A campaign with two annotators, the first holding an open pair. */
async function votingSetUp() {
  const [annotator, other] = await createAnnotators(2);
  const { campaign } = await createVotingCampaign({ prompts: 3, models: 3, annotators: [annotator.id, other.id] });
  const served = await nextAssignmentFor(annotator.id, campaign.id);
  if (served.status !== "assigned") throw new Error(served.status);
  return { campaign, annotator, other, assignmentId: served.assignment.id };
}

const votesOf = (campaignId: string) => db.vote.findMany({ where: { campaignId }, select: { annotatorId: true, winner: true } });

describe("votes answered by the app server itself", () => {
  it("records the annotator's vote and answers with the next pair, with the app's headers", async () => {
    const { campaign, annotator, assignmentId } = await votingSetUp();
    const response = await post(JSON.stringify({ assignmentId, outcome: "LEFT", durationMs: 2500 }), {
      Cookie: await cookieFor(annotator.id),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const body = (await response.json()) as { revealed: unknown; next: { status: string; assignment: { id: string } } };
    expect(Object.keys(body).sort()).toEqual(["next", "revealed"]);
    expect(body.revealed).toBeNull();
    expect(body.next.status).toBe("assigned");
    expect(body.next.assignment.id).not.toBe(assignmentId);
    expect(await votesOf(campaign.id)).toEqual([{ annotatorId: annotator.id, winner: "MODEL_A" }]);
    // The same vote again (a retry after a lost answer) is acknowledged once more and stored once.
    const again = await post(JSON.stringify({ assignmentId, outcome: "RIGHT", durationMs: 2500 }), {
      Cookie: await cookieFor(annotator.id),
    });
    expect(again.status).toBe(200);
    expect(await votesOf(campaign.id)).toHaveLength(1);
  });

  it("refuses without a session, with a disabled account and with another annotator's pair, storing nothing", async () => {
    const { campaign, annotator, other, assignmentId } = await votingSetUp();
    const vote = JSON.stringify({ assignmentId, outcome: "LEFT", durationMs: 2500 });
    const signedOut = await post(vote);
    expect(signedOut.status).toBe(401);
    expect(await signedOut.json()).toEqual({ error: "sign in first", code: "UNAUTHENTICATED" });
    // A cookie signed with another secret is nobody's.
    const forged = await sessionCookie(annotator.id, "another-secret-0123456789abcdef", 3600);
    expect((await post(vote, { Cookie: forged })).status).toBe(401);
    const someoneElse = await post(vote, { Cookie: await cookieFor(other.id) });
    expect(someoneElse.status).toBe(404);
    expect(await someoneElse.json()).toEqual({ error: "no such open pair", code: "NOT_FOUND" });
    await db.user.update({ where: { id: annotator.id }, data: { disabled: true } });
    expect((await post(vote, { Cookie: await cookieFor(annotator.id) })).status).toBe(401);
    expect(await votesOf(campaign.id)).toEqual([]);
  });

  it("takes only a JSON vote of the right shape and size", async () => {
    const { campaign, annotator, assignmentId } = await votingSetUp();
    const cookie = await cookieFor(annotator.id);
    // A cross-site form can post text/plain without asking first; a vote must be JSON.
    const asText = await post(JSON.stringify({ assignmentId, outcome: "LEFT", durationMs: 2500 }), {
      Cookie: cookie,
      "Content-Type": "text/plain",
    });
    expect(asText.status).toBe(415);
    for (const body of [
      "not json",
      JSON.stringify({ assignmentId, outcome: "SIDEWAYS", durationMs: 2500 }),
      JSON.stringify([{ assignmentId }]),
    ]) {
      const refused = await post(body, { Cookie: cookie });
      expect(refused.status, body).toBe(400);
      expect(await refused.json()).toMatchObject({ code: "INVALID", error: expect.any(String) });
    }
    const huge = await post(JSON.stringify({ assignmentId, outcome: "LEFT", durationMs: 2500, reason: "x".repeat(300_000) }), {
      Cookie: cookie,
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: "TOO_LARGE" });
    expect(await votesOf(campaign.id)).toEqual([]);
  });

  it("answers a refused vote with its status and code", async () => {
    const [annotator] = await createAnnotators(1);
    const { campaign } = await createVotingCampaign({
      prompts: 2,
      models: 2,
      annotators: [annotator.id],
      settings: { reasonPolicy: "REQUIRED", allowedOutcomes: ["LEFT", "RIGHT"] },
    });
    const served = await nextAssignmentFor(annotator.id, campaign.id);
    if (served.status !== "assigned") throw new Error(served.status);
    const cookie = await cookieFor(annotator.id);
    const withoutReason = await post(JSON.stringify({ assignmentId: served.assignment.id, outcome: "LEFT", durationMs: 2500 }), {
      Cookie: cookie,
    });
    expect(withoutReason.status).toBe(400);
    expect(await withoutReason.json()).toMatchObject({ code: "REASON_REQUIRED", error: expect.any(String) });
    const tie = await post(JSON.stringify({ assignmentId: served.assignment.id, outcome: "TIE", reason: "same", durationMs: 2500 }), {
      Cookie: cookie,
    });
    expect(await tie.json()).toMatchObject({ code: "OUTCOME_NOT_ALLOWED", error: expect.any(String) });
    await db.campaign.update({ where: { id: campaign.id }, data: { status: "CLOSED" } });
    const closed = await post(JSON.stringify({ assignmentId: served.assignment.id, outcome: "LEFT", reason: "better", durationMs: 2500 }), {
      Cookie: cookie,
    });
    expect(closed.status).toBe(409);
    expect(await closed.json()).toMatchObject({ code: "CLOSED", error: expect.any(String) });
    expect(await votesOf(campaign.id)).toEqual([]);
  });

  it("passes over a pair and hands out the next one, for its own annotator only", async () => {
    const { annotator, other, assignmentId } = await votingSetUp();
    const skip = (id: string, userId: string) =>
      cookieFor(userId).then((cookie) => post(JSON.stringify({ assignmentId: id }), { Cookie: cookie }, "/api/v1/pairs/skip"));
    const someoneElse = await skip(assignmentId, other.id);
    expect(someoneElse.status).toBe(404);
    expect(await someoneElse.json()).toMatchObject({ code: "NOT_FOUND" });
    const skipped = await skip(assignmentId, annotator.id);
    expect(skipped.status).toBe(200);
    const { next } = (await skipped.json()) as { next: { status: string; assignment: { id: string } } };
    expect(next.status).toBe("assigned");
    expect(next.assignment.id).not.toBe(assignmentId);
    expect((await db.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).state).toBe("SKIPPED");
    // A vote on the skipped pair is refused: it is closed.
    const late = await post(JSON.stringify({ assignmentId, outcome: "LEFT", durationMs: 2500 }), { Cookie: await cookieFor(annotator.id) });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ code: "CLOSED" });
    expect((await post("{}", { Cookie: await cookieFor(annotator.id) }, "/api/v1/pairs/skip")).status).toBe(400);
  });

  it("hands out the annotator's open pair again, and nothing to someone outside the campaign", async () => {
    const { campaign, annotator, assignmentId } = await votingSetUp();
    const nextPair = async (userId: string, campaignId: string = campaign.id) => {
      const response = await post(JSON.stringify({ campaignId }), { Cookie: await cookieFor(userId) }, "/api/v1/pairs/next");
      return {
        status: response.status,
        body: (await response.json()) as { next?: { status: string; assignment?: { id: string } }; code?: string },
      };
    };
    const again = await nextPair(annotator.id);
    expect(again.status).toBe(200);
    expect(again.body.next).toMatchObject({ status: "assigned", assignment: { id: assignmentId } });
    const [outsider] = await createAnnotators(1);
    expect(await nextPair(outsider.id)).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    expect(await nextPair(annotator.id, "not-a-campaign")).toMatchObject({ status: 400, body: { code: "INVALID" } });
    expect((await post(JSON.stringify({ campaignId: campaign.id }), {}, "/api/v1/pairs/next")).status).toBe(401);
  });
});
