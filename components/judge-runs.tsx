"use client";

import { useActionState } from "react";
import { resumeJudgeRunAction, type JudgeRunState } from "@/lib/judges/actions";
import type { JudgeRunView } from "@/lib/judges/run-status";
import { AutoRefresh } from "./auto-refresh";
import { useI18n } from "./i18n-provider";
import { ProgressBar } from "./progress-bar";

function ResumeButton({ campaignId, slug, judgeId }: { campaignId: string; slug: string; judgeId: string }) {
  const { t } = useI18n();
  const [state, action, pending] = useActionState<JudgeRunState, FormData>(resumeJudgeRunAction, { status: "idle" });
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="campaignId" value={campaignId} />
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="judgeId" value={judgeId} />
      <button type="submit" className="btn-secondary" disabled={pending}>
        {t("judges.resume")}
      </button>
      {state.status === "error" && (
        <span role="alert" className="text-sm text-red-700">
          {t(`judges.runErrors.${state.code}`, { detail: "" })}
        </span>
      )}
    </form>
  );
}

/** The judges Hikaku runs: each run's progress (following it while it runs), and a button to run again. */
export function JudgeRuns({ runs, campaignId, slug }: { runs: JudgeRunView[]; campaignId: string; slug: string }) {
  const { t } = useI18n();
  const running = runs.some((run) => run.state === "running");
  return (
    <div className="space-y-3">
      <AutoRefresh active={running} message={t("judges.following")} />
      <ul className="space-y-3">
        {runs.map((run) => (
          <li key={run.id} className="flex flex-wrap items-end gap-3 rounded border border-slate-200 p-3" data-testid="judge-run">
            <div className="min-w-40 flex-1 space-y-1">
              <p className="text-sm font-medium">
                {run.name} · {t(`judges.runState.${run.state ?? "never"}`)}
              </p>
              <ProgressBar label={t("judges.judged")} value={run.done} max={run.total} testId="judge-run-progress" />
              <p className="text-xs text-slate-600">{t("judges.runCounts", { failed: run.failed, tokens: run.tokens })}</p>
              {run.error && <p className="text-xs text-red-700">{run.error}</p>}
            </div>
            {run.state !== "running" && <ResumeButton campaignId={campaignId} slug={slug} judgeId={run.id} />}
          </li>
        ))}
      </ul>
    </div>
  );
}
