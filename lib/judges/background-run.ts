import "server-only";
import { JudgeBusy, runJudge, type RunOptions } from "./run";
import { log } from "@/lib/log";

/**
 * Starts a judge's run in this instance without waiting for it: true once the run holds the
 * judge (its progress is then in the database for every instance's page), false when another run
 * of the judge is going. The run stops taking new pairs when the instance shuts down; what it
 * judged is kept, and the next run resumes.
 */
export function startJudgeRun(judgeId: string, options: Pick<RunOptions, "limit" | "concurrency">): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let claimed = false;
    runJudge(judgeId, {
      ...options,
      onClaimed: () => {
        claimed = true;
        resolve(true);
      },
    }).catch((error: unknown) => {
      if (error instanceof JudgeBusy) resolve(false);
      else if (!claimed) reject(error);
      // A failure after the start is the run's state ("failed", with its cause), which the page shows.
      else log().error({ err: error, judgeId }, "judge run failed");
    });
  });
}
