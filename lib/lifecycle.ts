import "server-only";

/**
 * The instance's life: serving, or shutting down after SIGTERM (scripts/app-server.mjs). Kept on
 * globalThis, since the app server and the app's bundled modules share the process but not
 * module instances.
 */
const state = globalThis as unknown as { hikakuShuttingDown?: boolean; hikakuOpenBattles?: Set<string> };

export function beginShutdown(): void {
  state.hikakuShuttingDown = true;
}

export function shuttingDown(): boolean {
  return state.hikakuShuttingDown === true;
}

/** The live battles whose answers this instance is streaming to an annotator right now. */
export function openBattles(): Set<string> {
  state.hikakuOpenBattles ??= new Set();
  return state.hikakuOpenBattles;
}
