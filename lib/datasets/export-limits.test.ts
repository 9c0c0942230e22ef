import { beforeAll, describe, expect, it } from "vitest";
import { GET as votesRoute } from "@/app/api/v1/campaigns/[slug]/votes/route";
import { createApiToken } from "@/lib/auth/api-tokens";
import { db, pool } from "@/lib/db";
import { DEFAULT_FILTERS } from "@/lib/results/filters";
import { createResultsCampaign } from "@/lib/testing/results-campaign";
import { createTestUser } from "@/lib/testing/factories";
import { ExportIdle, ExportsBusy } from "./copy-votes";
import { exportVotes } from "./export-votes";

/**
 * The review: ten CSV downloads opened and never read held all ten of the pool's connections in
 * open transactions, and voting timed out. Exports now take one of a few slots (3 by default) and
 * a reader that stops taking data loses its export, transaction and all. The environment is read
 * once per test file: a short idle limit is set before the first read — long enough for three
 * downloads to start on a busy machine (at one second, the first one's limit passed once before
 * the third had started, with four test files running at once).
 */
const IDLE_SECONDS = 3;
process.env.HIKAKU_EXPORT_IDLE_SECONDS = String(IDLE_SECONDS);

let campaign: { id: string; slug: string };

beforeAll(async () => {
  ({ campaign } = await createResultsCampaign());
}, 120_000);

/**
 * Transactions left open by exports waiting on their readers: every connection to this file's
 * database in a transaction but this query's own — idle in it once the export's rows are out, or
 * still active while the server waits to send more (which one, depends on the machine's speed).
 */
async function exportsWaiting(): Promise<number> {
  const { rows } = await pool().query<{ count: number }>(
    `SELECT count(*)::int AS count FROM pg_stat_activity
     WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()`,
  );
  return rows[0].count;
}

/** An export through the server, read up to its first chunk and then left alone, as a stalled download. */
async function stalledDownload() {
  const { chunks } = exportVotes(null, campaign, DEFAULT_FILTERS, "csv", "api");
  const first = await chunks.next();
  expect(first.done).toBe(false);
  return chunks;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls until no export holds a transaction, for at most `ms`: an ended export's backend exits
 * once it sees its connection closed, which on a loaded machine can take a while after the timer.
 */
async function exportsEndWithin(ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let waiting = await exportsWaiting();
  while (waiting > 0 && Date.now() < deadline) {
    await sleep(100);
    waiting = await exportsWaiting();
  }
  return waiting;
}

describe("exports through the server", () => {
  it("take one of a few slots; one more is refused at once, and voting's connections stay free", async () => {
    const stalled = await Promise.all([stalledDownload(), stalledDownload(), stalledDownload()]);
    expect(() => exportVotes(null, campaign, DEFAULT_FILTERS, "jsonl", "web")).toThrow(ExportsBusy);
    expect(await exportsWaiting()).toBe(3);
    // The rest of the pool (10 connections) serves seven statements at once: the three exports hold three, no more.
    const answers = await Promise.all(Array.from({ length: 7 }, () => pool().query("SELECT 1 AS one FROM pg_sleep(0.05)")));
    expect(answers.map((answer) => answer.rows[0].one)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    await Promise.all(stalled.map((chunks) => chunks.return(undefined)));
    expect(await exportsEndWithin(10_000)).toBe(0);
  });

  it("end when the reader takes nothing for the idle limit: the transaction ends and the slot is free again", async () => {
    const stalled = await Promise.all([stalledDownload(), stalledDownload(), stalledDownload()]);
    try {
      expect(await exportsWaiting()).toBe(3);
      // Timers fire late under load, never early: a second before the limit all three still wait.
      await sleep(IDLE_SECONDS * 1000 - 1000);
      expect(await exportsWaiting()).toBe(3);
      expect(await exportsEndWithin(10_000)).toBe(0);
    } catch (error) {
      // The next tests need the slots.
      await Promise.all(stalled.map((chunks) => chunks.return(undefined)));
      throw error;
    }
    // The reader that comes back learns its export was ended.
    const comeback = stalled[0].next();
    await expect(comeback).rejects.toBeInstanceOf(ExportIdle);
    await expect(comeback).rejects.toThrow("the export was ended while its reader was away");
    // And the slots serve new downloads, read to the end.
    const again = exportVotes(null, campaign, DEFAULT_FILTERS, "csv", "api");
    let bytes = 0;
    for await (const chunk of again.chunks) bytes += chunk.byteLength;
    expect(bytes).toBeGreaterThan(1000);
    expect(again.rows()).toBeGreaterThan(10);
  });

  it("give the slot back when the download never starts reading, once only", async () => {
    const neverRead = Array.from({ length: 3 }, () => exportVotes(null, campaign, DEFAULT_FILTERS, "csv", "api"));
    expect(() => exportVotes(null, campaign, DEFAULT_FILTERS, "csv", "api")).toThrow(ExportsBusy);
    await sleep(IDLE_SECONDS * 1000 + 300);
    // A reader that turns up after all: its export runs and ends without giving its slot back twice.
    for await (const chunk of neverRead[0].chunks) expect(chunk.byteLength).toBeGreaterThanOrEqual(0);
    const stalled = await Promise.all([stalledDownload(), stalledDownload(), stalledDownload()]);
    try {
      expect(() => exportVotes(null, campaign, DEFAULT_FILTERS, "csv", "api")).toThrow(ExportsBusy);
    } finally {
      await Promise.all(stalled.map((chunks) => chunks.return(undefined)));
    }
  });

  it("are 503 with a code and Retry-After from the API when every slot is taken; the CLI's own export is not limited", async () => {
    const owner = await createTestUser({ role: "RESEARCHER" });
    await db.campaign.update({ where: { id: campaign.id }, data: { createdById: owner.id } });
    const { token } = await createApiToken(owner.id, "exports");
    const stalled = await Promise.all([stalledDownload(), stalledDownload(), stalledDownload()]);
    const response = await votesRoute(
      new Request(`http://hikaku.test/api/v1/campaigns/${campaign.slug}/votes?format=csv`, {
        headers: { authorization: `Bearer ${token}` },
      }),
      { params: Promise.resolve({ slug: campaign.slug }) },
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("30");
    expect(await response.json()).toEqual({ error: "every export slot is in use: try again in a minute", code: "EXPORTS_BUSY" });
    const cli = exportVotes(null, campaign, DEFAULT_FILTERS, "jsonl", "cli");
    for await (const chunk of cli.chunks) expect(chunk).toBeInstanceOf(Uint8Array);
    await Promise.all(stalled.map((chunks) => chunks.return(undefined)));
  });
});
