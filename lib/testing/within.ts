/**
 * `promise`, or a failure naming what never happened within `ms`: a wait that is broken fails with
 * its cause at once rather than at the test's timeout.
 */
export function within<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  const timeout = AbortSignal.timeout(ms);
  return Promise.race([promise, new Promise<never>((_, reject) => timeout.addEventListener("abort", () => reject(new Error(what))))]);
}
