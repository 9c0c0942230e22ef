import "server-only";
import { sessionConnection, type SessionConnection } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * Wake-ups between app instances for live battles, over PostgreSQL's LISTEN/NOTIFY: a worker's
 * chunk may arrive at one instance while the annotator's stream is held by another. Statements
 * that change a job or a battle notify its key (`notifyKey`), delivered when they commit; each
 * process holds one listening connection and calls whoever subscribed to that key. A wake-up says
 * only "look again": the state itself is always read from the database, so a lost notification
 * costs latency (followers also look on a timer), never correctness.
 */

const CHANNEL = "hikaku_live";

type Listener = () => void;

interface Hub {
  client: SessionConnection;
  ready: Promise<void>;
  listeners: Map<string, Set<Listener>>;
}

const globalForHub = globalThis as unknown as { hikakuLiveHub?: Hub };

function hub(): Hub {
  if (globalForHub.hikakuLiveHub) return globalForHub.hikakuLiveHub;
  const client = sessionConnection();
  const listeners = new Map<string, Set<Listener>>();
  const created: Hub = {
    client,
    listeners,
    ready: client
      .connect()
      .then(() => client.query(`LISTEN ${CHANNEL}`))
      .then(() => {}),
  };
  client.on("notification", (message) => {
    for (const listener of listeners.get(message.payload ?? "") ?? []) listener();
  });
  const lost = () => {
    // The next subscriber connects afresh; those waiting now are woken to look for themselves.
    if (globalForHub.hikakuLiveHub === created) globalForHub.hikakuLiveHub = undefined;
    for (const set of listeners.values()) for (const listener of set) listener();
  };
  client.on("error", lost);
  client.on("end", lost);
  created.ready.catch(lost);
  globalForHub.hikakuLiveHub = created;
  return created;
}

/** Calls `listener` whenever `key` is notified; returns the unsubscribe function. */
export async function subscribe(key: string, listener: Listener): Promise<() => void> {
  const current = hub();
  const set = current.listeners.get(key) ?? new Set();
  set.add(listener);
  current.listeners.set(key, set);
  await current.ready.catch(() => {});
  return () => {
    set.delete(listener);
    if (set.size === 0) current.listeners.delete(key);
  };
}

/** Waits until `key` is notified, `ms` pass or `signal` aborts, whichever comes first. */
export async function waitFor(key: string, ms: number, signal?: AbortSignal): Promise<void> {
  let wake: () => void = () => {};
  const woken = new Promise<void>((resolve) => (wake = resolve));
  // Heard before subscribing: an abort while the listening connection is set up still ends the wait.
  signal?.addEventListener("abort", wake, { once: true });
  if (signal?.aborted) wake();
  const unsubscribe = await subscribe(key, wake);
  const timer = setTimeout(wake, ms);
  try {
    await woken;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", wake);
    unsubscribe();
  }
}

export const jobKey = (jobId: string) => `j:${jobId}`;
export const battleKey = (battleId: string) => `b:${battleId}`;
export const endpointKey = (endpointId: string) => `e:${endpointId}`;

/** A statement that notifies `key` when the surrounding transaction commits. */
export function notifyKey(key: string): Prisma.Sql {
  return Prisma.sql`SELECT pg_notify(${CHANNEL}, ${key})`;
}

/** A statement (for a multi-statement text) that notifies each key `keysQuery` selects when the transaction commits. */
export function notifyEach(keysQuery: string): string {
  return `SELECT pg_notify('${CHANNEL}', key) FROM (${keysQuery}) AS keys(key)`;
}

export async function closeLiveHub(): Promise<void> {
  const current = globalForHub.hikakuLiveHub;
  globalForHub.hikakuLiveHub = undefined;
  await current?.client.end().catch(() => {});
}
