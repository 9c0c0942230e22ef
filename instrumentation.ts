/** Runs once when a server instance starts: a bad environment stops it with a readable error. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("./lib/env");
  env();
}
