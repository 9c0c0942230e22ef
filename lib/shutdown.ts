import "server-only";
import { disconnectDb } from "@/lib/db";
import { beginShutdown } from "@/lib/lifecycle";
import { closeLiveHub } from "@/lib/live/notify";
import { voidOpenBattles } from "@/lib/live/shutdown";
import { log } from "@/lib/log";

/**
 * What the app server does with the app on SIGTERM (scripts/app-server.mjs): `begin` at once —
 * readiness answers 503 from then on, and the live battles this instance streams end as void
 * (cause `shutdown`); `release` once the last request has finished — the database pool and the
 * live wake-ups' connection close.
 */
export const shutdownSteps = {
  async begin(): Promise<void> {
    beginShutdown();
    try {
      await voidOpenBattles();
    } catch (error) {
      // A database that went away first leaves the battles to the other instances' sweep.
      log().error({ err: error }, "voiding this instance's live battles failed");
    }
  },
  async release(): Promise<void> {
    await Promise.allSettled([disconnectDb(), closeLiveHub()]);
  },
};
