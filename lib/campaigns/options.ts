/** Campaign option values, free of dependencies so client components can share them. */
export const OUTCOMES = ["LEFT", "RIGHT", "TIE", "BOTH_BAD", "BOTH_GOOD"] as const;
export const STRATEGIES = ["BALANCED", "ACTIVE", "UNIFORM"] as const;
export const REASON_POLICIES = ["HIDDEN", "OPTIONAL", "REQUIRED"] as const;
export const STATUSES = ["DRAFT", "ACTIVE", "CLOSED"] as const;
/** When a study may stop: the top k ranked, adjacent pairs separated or within δ points, or a number of votes. */
export const STOP_TARGETS = ["TOP", "ADJACENT", "VOTES"] as const;
export type StopTargetName = (typeof STOP_TARGETS)[number];
/** Whether annotators may write their own better answer: never, optionally, or must after "both bad". */
export const CORRECTION_POLICIES = ["OFF", "OPTIONAL", "REQUIRED_AFTER_BOTH_BAD"] as const;

export type CampaignStatusName = (typeof STATUSES)[number];

/** Draft → active → closed; a closed campaign can be reopened. */
export const STATUS_TRANSITIONS: Record<CampaignStatusName, CampaignStatusName[]> = {
  DRAFT: ["ACTIVE"],
  ACTIVE: ["CLOSED"],
  CLOSED: ["ACTIVE"],
};

/**
 * A campaign slug (at least two characters), as the form's `pattern` attribute and the server's
 * check share it. The dash is escaped because browsers compile `pattern` with the `v` flag, where
 * an unescaped `-` at the end of a class is a syntax error and the whole pattern is ignored.
 */
export const SLUG_PATTERN = "[a-z0-9][a-z0-9\\-]*[a-z0-9]";
