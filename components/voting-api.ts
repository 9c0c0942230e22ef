import type { ApiError } from "@/lib/http/api-error";
import type { PairAnswer, VoteAnswer, VotingRefusal } from "@/lib/votes/vote-request";
import type { VoteInput } from "@/lib/votes/record-vote";

/** An answer of the voting page's endpoints, or why the request was refused. */
export type VotingResult<T> = ({ ok: true } & T) | { ok: false; code: VotingRefusal };

/**
 * Posts JSON to one of the voting page's endpoints (lib/votes/vote-request.ts). A signed-out
 * session goes to sign-in, as a page would; anything but the endpoint's own JSON answer (a
 * proxy's error page, a dropped connection, a server error) throws, which the page shows as a
 * network error.
 */
async function post<T>(path: string, body: unknown): Promise<VotingResult<T>> {
  const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (response.status === 401) {
    // A whole page load: nothing of the session is kept.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign("/sign-in");
    return new Promise(() => {});
  }
  const answer = response.headers.get("content-type")?.startsWith("application/json")
    ? ((await response.json()) as Partial<ApiError> & T)
    : null;
  if (answer && response.ok) return { ok: true, ...answer };
  // A refusal carries one of the voting codes; a server error (500, INTERNAL) is not one.
  if (answer && response.status < 500 && answer.code) return { ok: false, code: answer.code as VotingRefusal };
  throw new Error(`${path} answered ${response.status}`);
}

export const postVote = (input: VoteInput) => post<VoteAnswer>("/api/v1/votes", input);
export const postSkip = (assignmentId: string) => post<PairAnswer>("/api/v1/pairs/skip", { assignmentId });
export const postNextPair = (campaignId: string) => post<PairAnswer>("/api/v1/pairs/next", { campaignId });
