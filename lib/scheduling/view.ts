/**
 * What the annotator's browser receives for one pair. Deliberately nothing else: no model
 * names or ids, no output ids, no item id — the assignment id is a random token.
 */
export interface AssignmentView {
  id: string;
  promptTurns: string[];
  leftTurns: string[];
  rightTurns: string[];
  /** When the pair was issued (ISO), to time the vote. */
  issuedAt: string;
}

export interface Progress {
  /** Votes in the campaign and the votes needed for every item to reach its target. */
  campaignVotes: number;
  campaignTarget: number;
  /** This annotator's votes in this campaign today (UTC) and the daily cap, if any. */
  todayVotes: number;
  dailyCap: number | null;
}

export type NextAssignment =
  | { status: "assigned"; assignment: AssignmentView; progress: Progress }
  | { status: "done" | "capReached" | "live"; progress: Progress }
  | { status: "notOpen" | "notMember" };
