/**
 * Runs once when a server instance starts: a bad environment stops it with a readable error. In the
 * production server it also hands scripts/app-server.mjs the requests it answers itself
 * (lib/own-endpoints.ts), the steps of a graceful shutdown (lib/shutdown.ts), the counting and
 * logging of answered requests (lib/metrics/routes.ts), compiled here
 * with the rest of the app.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("./lib/env");
  const secret = env().NEXTAUTH_SECRET;
  // Without a secret (development) next-auth makes one up, which only the route knows.
  if (!secret) return;
  const { ownEndpointDispatcher } = await import("./lib/own-endpoints");
  const { shutdownSteps } = await import("./lib/shutdown");
  const { observeRequest } = await import("./lib/metrics/routes");
  Object.assign(globalThis, {
    hikakuDispatch: ownEndpointDispatcher(secret),
    hikakuShutdown: shutdownSteps,
    hikakuObserveRequest: observeRequest,
  });
}
