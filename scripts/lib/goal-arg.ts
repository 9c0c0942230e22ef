import type { StopTargetName } from "@/lib/campaigns/options";
import { stopTargetProblem } from "@/lib/campaigns/settings";
import { UsageError } from "./cli-args";

const KINDS: Record<string, StopTargetName> = { top: "TOP", adjacent: "ADJACENT", votes: "VOTES" };

/** `--goal top=K | adjacent=DELTA | votes=N`: the campaign's stopping target. */
export function goalFromArg(value: string | undefined): { stopTarget: StopTargetName | null; stopTargetValue: number | null } {
  if (value === undefined) return { stopTarget: null, stopTargetValue: null };
  const [name, number] = value.split("=", 2);
  const kind = KINDS[name];
  const parsed = Number(number);
  const problem = kind ? stopTargetProblem(kind, number === undefined || number === "" ? null : parsed) : "unknown kind";
  if (!kind || problem)
    throw new UsageError(`--goal must be top=K, adjacent=DELTA or votes=N (got "${value}"${kind ? `: ${problem}` : ""}).`);
  return { stopTarget: kind, stopTargetValue: parsed };
}
