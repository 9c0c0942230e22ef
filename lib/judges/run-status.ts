import "server-only";
import { db } from "@/lib/db";
import { RUN_STALE_SECONDS } from "./run";

export interface JudgeRunView {
  id: string;
  name: string;
  /** running (and alive), finished, stopped, failed, interrupted (running, but silent for a minute), or null (never run). */
  state: "running" | "finished" | "stopped" | "failed" | "interrupted" | null;
  total: number;
  done: number;
  failed: number;
  tokens: number;
  error: string | null;
}

/** The campaign's run judges and their runs, as the Judges page shows them (a silent "running" run was interrupted). */
export async function judgeRuns(campaignId: string): Promise<JudgeRunView[]> {
  const judges = await db.judge.findMany({
    where: { campaignId, kind: "RUN" },
    select: {
      id: true,
      name: true,
      runState: true,
      runTotal: true,
      runDone: true,
      runFailed: true,
      runError: true,
      runHeartbeat: true,
      tokens: true,
    },
    orderBy: { name: "asc" },
  });
  const now = Date.now();
  return judges.map((judge) => {
    const silent = !judge.runHeartbeat || now - judge.runHeartbeat.getTime() > RUN_STALE_SECONDS * 1000;
    const state = judge.runState === "running" && silent ? "interrupted" : (judge.runState as JudgeRunView["state"]);
    return {
      id: judge.id,
      name: judge.name,
      state,
      total: judge.runTotal,
      done: judge.runDone,
      failed: judge.runFailed,
      tokens: judge.tokens,
      error: judge.runError,
    };
  });
}
