import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { IDLE } from "@/lib/action-state";
import { db, pool } from "@/lib/db";
import { startFakeOpenAi, type FakeOpenAi } from "@/lib/testing/fake-openai";
import { createTestUser, uniqueSuffix } from "@/lib/testing/factories";
import { createJudgedCampaign, PAIR_FILE } from "@/lib/testing/judge-campaign";
import { actAs, FORBIDDEN, form, interruption, SIGN_IN_REDIRECT, takeRevalidated } from "@/lib/testing/next-request";
import { within } from "@/lib/testing/within";
import { importJudgmentsAction, resumeJudgeRunAction, startJudgeRunAction } from "./actions";

vi.mock("next/headers", async () => (await import("@/lib/testing/next-request")).nextHeaders);
vi.mock("next/cache", async () => (await import("@/lib/testing/next-request")).nextCache);

// The Judges page's forms, as the browser posts them: importing FastChat's judgments, and
// running a judge against the test's model server.

let campaign: { id: string; slug: string };
let researcher: { id: string };
let fake: FakeOpenAi;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  campaign = await createJudgedCampaign();
  researcher = await createTestUser({ role: "RESEARCHER" });
  await db.campaignMember.create({ data: { campaignId: campaign.id, userId: researcher.id } });
}, 120_000);

afterAll(async () => {
  await fake?.close();
});

const judgesPage = () => `/campaigns/${campaign.slug}/judges`;

function importForm(content: string | null, fileName = "gpt-4_pair.jsonl", fields: Record<string, string> = {}) {
  const data = form({ campaignId: campaign.id, slug: campaign.slug, name: "", ...fields });
  if (content !== null) data.set("file", new File([content], fileName));
  return data;
}

const runForm = (fields: Record<string, string>) =>
  form({
    campaignId: campaign.id,
    slug: campaign.slug,
    baseUrl: fake.baseUrl,
    prompt: "pair",
    swap: "on",
    limit: "2",
    concurrency: "",
    ...fields,
  });

/** Waits for a judge's run to end (it runs in the background), and gives its state. */
async function runEnded(judgeId: string): Promise<string | null> {
  for (;;) {
    const { runState } = await db.judge.findUniqueOrThrow({ where: { id: judgeId }, select: { runState: true } });
    if (runState !== "running") return runState;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("importing a judgments file from the Judges page", () => {
  it("names the judge after the file unless given a name, and refreshes the page", async () => {
    await actAs(researcher);
    const content = readFileSync(PAIR_FILE, "utf8");
    expect(await importJudgmentsAction(IDLE, importForm(content))).toEqual({
      status: "ok",
      summary: expect.objectContaining({ judge: "gpt-4_pair", kind: "pair", rows: 75 }),
    });
    expect(takeRevalidated()).toEqual([judgesPage()]);
    const named = await importJudgmentsAction(IDLE, importForm(content, "gpt-4_pair.jsonl", { name: "  GPT-4 (ours)  " }));
    expect(named).toMatchObject({ status: "ok", summary: { judge: "GPT-4 (ours)" } });
    takeRevalidated();
  });

  it("names what is wrong with the file, and refuses anyone who may not research the campaign", async () => {
    await actAs(researcher);
    expect(await importJudgmentsAction(IDLE, importForm(null))).toEqual({ status: "error", code: "NO_FILE" });
    expect(await importJudgmentsAction(IDLE, importForm(""))).toEqual({ status: "error", code: "NO_FILE" });
    const rejected = await importJudgmentsAction(IDLE, importForm("not json\n", "bad.jsonl"));
    expect(rejected).toMatchObject({ status: "error", code: "REJECTED", details: [{ line: 1 }] });
    expect(await db.judge.count({ where: { campaignId: campaign.id, name: "bad" } })).toBe(0);

    const content = readFileSync(PAIR_FILE, "utf8");
    await actAs(null);
    expect(await interruption(importJudgmentsAction(IDLE, importForm(content)))).toMatch(SIGN_IN_REDIRECT);
    await actAs(await createTestUser());
    expect(await interruption(importJudgmentsAction(IDLE, importForm(content)))).toBe(FORBIDDEN);
    await actAs(await createTestUser({ role: "RESEARCHER" }));
    expect(await importJudgmentsAction(IDLE, importForm(content, "x.jsonl", { name: "stranger" }))).toEqual({
      status: "error",
      code: "NOT_FOUND",
    });
    expect(await db.judge.count({ where: { campaignId: campaign.id, name: "stranger" } })).toBe(0);
    expect(takeRevalidated()).toEqual([]);
  });
});

describe("running a judge from the Judges page", () => {
  it("starts a run with the form's limit, is refused while another instance runs the judge, and resumes it afterwards", async () => {
    await actAs(researcher);
    const name = `judge-first-${uniqueSuffix()}`;
    const started = await startJudgeRunAction(IDLE, runForm({ name }));
    if (started.status !== "ok") throw new Error(JSON.stringify(started));
    expect(takeRevalidated()).toEqual([judgesPage()]);
    expect(await within(runEnded(started.judgeId), "the run's end")).toBe("finished");
    expect(await db.judge.findUniqueOrThrow({ where: { id: started.judgeId } })).toMatchObject({ kind: "RUN", runTotal: 2, runDone: 2 });

    // Another instance runs the judge: it holds the judge's run lock.
    const resume = form({ campaignId: campaign.id, slug: campaign.slug, judgeId: started.judgeId });
    const elsewhere = await pool().connect();
    try {
      await elsewhere.query("SELECT pg_advisory_lock(hashtext('judge-run:' || $1::text))", [started.judgeId]);
      expect(await startJudgeRunAction(IDLE, runForm({ name }))).toEqual({ status: "error", code: "BUSY" });
      expect(await resumeJudgeRunAction(IDLE, resume)).toEqual({ status: "error", code: "BUSY" });
      await elsewhere.query("SELECT pg_advisory_unlock_all()");
    } finally {
      elsewhere.release();
    }
    takeRevalidated();

    expect(await resumeJudgeRunAction(IDLE, resume)).toEqual({ status: "ok", judgeId: started.judgeId });
    expect(takeRevalidated()).toEqual([judgesPage()]);
    expect(await within(runEnded(started.judgeId), "the resumed run's end")).toBe("finished");
    // Resumed without a limit: the rest of the pairs, the first two not judged again.
    const judge = await db.judge.findUniqueOrThrow({ where: { id: started.judgeId } });
    expect(judge.runTotal).toBeGreaterThan(2);
    expect(await db.verdict.count({ where: { judgeId: started.judgeId } })).toBe(judge.runTotal + 2);
    expect(judge.swap).toBe(true);

    // An unticked box is not posted at all: that judge asks once per pair, not in both orders.
    const once = await startJudgeRunAction(IDLE, runForm({ name: `judge-tie-${uniqueSuffix()}`, swap: "", limit: "1" }));
    if (once.status !== "ok") throw new Error(JSON.stringify(once));
    expect(await within(runEnded(once.judgeId), "the second judge's end")).toBe("finished");
    expect((await db.judge.findUniqueOrThrow({ where: { id: once.judgeId } })).swap).toBe(false);
    takeRevalidated();
  });

  it("names the fields to look at again, a refused address, and refuses anyone who may not research the campaign", async () => {
    await actAs(researcher);
    const name = `judge-tie-${uniqueSuffix()}`;
    expect(await startJudgeRunAction(IDLE, runForm({ name, concurrency: "0" }))).toEqual({ status: "invalid", fields: ["concurrency"] });
    expect(await startJudgeRunAction(IDLE, runForm({ name, limit: "none" }))).toEqual({ status: "invalid", fields: ["limit"] });
    expect(await startJudgeRunAction(IDLE, runForm({ name, prompt: "my-own" }))).toEqual({ status: "invalid", fields: ["prompt"] });
    expect(await startJudgeRunAction(IDLE, runForm({ name: "   " }))).toEqual({ status: "invalid", fields: ["name"] });
    expect(await startJudgeRunAction(IDLE, runForm({ name, baseUrl: "http://10.9.8.7/v1" }))).toEqual({
      status: "error",
      code: "URL_REFUSED",
      details: expect.stringContaining("10.9.8.7"),
    });
    // An imported judge's name is taken.
    expect(await startJudgeRunAction(IDLE, runForm({ name: "gpt-4_pair" }))).toEqual({ status: "error", code: "NAME_TAKEN" });
    expect(await db.judge.count({ where: { campaignId: campaign.id, name } })).toBe(0);

    await actAs(null);
    expect(await interruption(startJudgeRunAction(IDLE, runForm({ name })))).toMatch(SIGN_IN_REDIRECT);
    await actAs(await createTestUser());
    expect(await interruption(startJudgeRunAction(IDLE, runForm({ name })))).toBe(FORBIDDEN);
    await actAs(await createTestUser({ role: "RESEARCHER" }));
    expect(await startJudgeRunAction(IDLE, runForm({ name }))).toEqual({ status: "error", code: "NOT_FOUND" });
    const imported = await db.judge.findFirstOrThrow({ where: { campaignId: campaign.id, kind: "IMPORTED" } });
    const resume = form({ campaignId: campaign.id, slug: campaign.slug, judgeId: imported.id });
    expect(await resumeJudgeRunAction(IDLE, resume)).toEqual({ status: "error", code: "NOT_FOUND" });
    // An imported judge is not run, even by the campaign's researcher.
    await actAs(researcher);
    expect(await resumeJudgeRunAction(IDLE, resume)).toEqual({ status: "error", code: "NOT_FOUND" });
    expect(await db.judge.count({ where: { campaignId: campaign.id, name } })).toBe(0);
    expect(takeRevalidated()).toEqual([]);
  });
});
