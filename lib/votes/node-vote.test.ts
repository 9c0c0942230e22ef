import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { nextAssignmentFor } from "@/lib/scheduling/next-assignment";
import { createAnnotators, createVotingCampaign } from "@/lib/testing/factories";
import { serveNodeHandler, sessionCookie } from "@/lib/testing/node-handler";
import { voteHandler } from "./node-vote";

/** The production server's own handler for votes (scripts/app-server.mjs), over real HTTP. */
const SECRET = "node-vote-test-secret-0123456789abcdef";
let server: Awaited<ReturnType<typeof serveNodeHandler>>;
let base: string;

beforeAll(async () => {
  server = await serveNodeHandler(voteHandler(SECRET));
  base = server.base;
});

afterAll(async () => {
  await server.close();
});

const cookieFor = (userId: string) => sessionCookie(userId, SECRET);

function post(body: string, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/v1/votes`, { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } });
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
    const body = (await response.json()) as { status: string; revealed: unknown; next: { status: string; assignment: { id: string } } };
    expect(body.status).toBe("ok");
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
    expect(await signedOut.json()).toEqual({ status: "error", code: "SIGNED_OUT" });
    // A cookie signed with another secret is nobody's.
    const forged = await sessionCookie(annotator.id, "another-secret-0123456789abcdef", 3600);
    expect((await post(vote, { Cookie: forged })).status).toBe(401);
    const someoneElse = await post(vote, { Cookie: await cookieFor(other.id) });
    expect(someoneElse.status).toBe(404);
    expect(await someoneElse.json()).toEqual({ status: "error", code: "NOT_FOUND" });
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
      expect(await refused.json()).toEqual({ status: "error", code: "INVALID" });
    }
    const huge = await post(JSON.stringify({ assignmentId, outcome: "LEFT", durationMs: 2500, reason: "x".repeat(300_000) }), {
      Cookie: cookie,
    });
    expect(huge.status).toBe(413);
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
    expect(await withoutReason.json()).toEqual({ status: "error", code: "REASON_REQUIRED" });
    const tie = await post(JSON.stringify({ assignmentId: served.assignment.id, outcome: "TIE", reason: "same", durationMs: 2500 }), {
      Cookie: cookie,
    });
    expect(await tie.json()).toEqual({ status: "error", code: "OUTCOME_NOT_ALLOWED" });
    await db.campaign.update({ where: { id: campaign.id }, data: { status: "CLOSED" } });
    const closed = await post(JSON.stringify({ assignmentId: served.assignment.id, outcome: "LEFT", reason: "better", durationMs: 2500 }), {
      Cookie: cookie,
    });
    expect(closed.status).toBe(409);
    expect(await closed.json()).toEqual({ status: "error", code: "CLOSED" });
    expect(await votesOf(campaign.id)).toEqual([]);
  });
});
