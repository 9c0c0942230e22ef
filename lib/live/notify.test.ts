import { afterAll, describe, expect, it } from "vitest";
import { batch, sql, withLiterals } from "@/lib/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { within } from "@/lib/testing/within";
import { closeLiveHub, jobKey, notifyEach, notifyKey, subscribe, waitFor } from "./notify";

const hubListeners = () => (globalThis as unknown as { hikakuLiveHub?: { listeners: Map<string, unknown> } }).hikakuLiveHub?.listeners;

/**
 * Runs `statements` in one transaction with a last notification of its own, and returns once that
 * one has arrived: notifications come in the order they were sent, so every earlier one has been
 * handed to its listeners by then.
 */
async function notifyAndSettle(statements: string[]) {
  const sentinel = jobKey(`sentinel-${uniqueSuffix()}`);
  let arrived!: () => void;
  const done = new Promise<void>((resolve) => (arrived = resolve));
  const stop = await subscribe(sentinel, () => arrived());
  await batch([...statements, withLiterals(notifyKey(sentinel))]);
  await done;
  stop();
}

afterAll(closeLiveHub);

describe("wake-ups between app instances (LISTEN/NOTIFY)", () => {
  it("calls each subscriber of a key when it is notified, and no one after they unsubscribe", async () => {
    const key = jobKey(`notify-${uniqueSuffix()}`);
    const calls = { first: 0, second: 0, other: 0 };
    const stopFirst = await subscribe(key, () => calls.first++);
    const stopSecond = await subscribe(key, () => calls.second++);
    const stopOther = await subscribe(jobKey(`other-${uniqueSuffix()}`), () => calls.other++);
    await notifyAndSettle([withLiterals(notifyKey(key))]);
    expect(calls).toEqual({ first: 1, second: 1, other: 0 });

    stopFirst();
    await notifyAndSettle([notifyEach(`SELECT '${key}'`)]);
    expect(calls).toEqual({ first: 1, second: 2, other: 0 });
    expect(hubListeners()?.has(key)).toBe(true);

    // The last one out leaves nothing behind: a server goes through a key per battle and per job.
    stopSecond();
    expect(hubListeners()?.has(key)).toBe(false);
    stopOther();
  });

  it("waits until the key is notified or the signal aborts, and otherwise until the time is up", async () => {
    const key = jobKey(`wait-${uniqueSuffix()}`);
    // Listening already, so the notification below cannot come before the wait is set up.
    await (
      await subscribe(key, () => {})
    )();
    const notified = waitFor(key, 120_000);
    await notifyAndSettle([withLiterals(notifyKey(key))]);
    await within(notified, "a notification did not end the wait");

    const aborted = new AbortController();
    const waiting = waitFor(key, 120_000, aborted.signal);
    aborted.abort();
    await within(waiting, "aborting did not end the wait");
    await within(waitFor(key, 120_000, AbortSignal.abort()), "a signal aborted before did not end the wait");

    await within(waitFor(key, 10), "the time did not end the wait");
    expect(hubListeners()?.has(key)).toBe(false);
  });

  it("wakes every waiter when the listening connection is lost, and listens afresh for the next subscriber", async () => {
    const key = jobKey(`lost-${uniqueSuffix()}`);
    await (
      await subscribe(key, () => {})
    )();
    const waiting = waitFor(key, 120_000);
    await sql.$queryRaw`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND query = 'LISTEN hikaku_live' AND pid <> pg_backend_pid()`;
    await within(waiting, "losing the connection did not end the wait");

    let heard!: () => void;
    const notified = new Promise<void>((resolve) => (heard = resolve));
    const stop = await subscribe(key, () => heard());
    await notifyAndSettle([withLiterals(notifyKey(key))]);
    await within(notified, "the new connection did not hear the notification");
    stop();
  });
});
