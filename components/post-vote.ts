import type { VoteInput } from "@/lib/votes/record-vote";
import type { VoteAnswer } from "@/lib/votes/vote-request";

/**
 * Sends a vote to POST /api/v1/votes and returns the next pair or why the vote was refused.
 * A signed-out session goes to sign-in, as a page would; anything but the route's JSON answer
 * (a proxy's error page, a dropped connection) throws, which the page shows as a network error.
 */
export async function postVote(input: VoteInput): Promise<VoteAnswer> {
  const response = await fetch("/api/v1/votes", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(input),
  });
  if (response.status === 401) {
    // A whole page load, as the server action's redirect did: nothing of the session is kept.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign("/sign-in");
    return new Promise(() => {});
  }
  const answer = response.headers.get("content-type")?.startsWith("application/json")
    ? ((await response.json()) as Partial<VoteAnswer>)
    : {};
  // A server error's answer ({"error": …}) is neither a vote's result nor a refusal.
  if (answer.status !== "ok" && answer.status !== "error") throw new Error(`vote answered ${response.status}`);
  return answer as VoteAnswer;
}
