"use client";

import { useActionState } from "react";
import { importScoresAction, type ScoresState } from "@/lib/benchmarks/actions";
import { useI18n } from "./i18n-provider";

/** Upload of a benchmark scores CSV; shows the summary, or every problem with its line (nothing saved). */
export function ScoresUploader({ campaignId, slug }: { campaignId: string; slug: string }) {
  const { t } = useI18n();
  const [state, action, pending] = useActionState<ScoresState, FormData>(importScoresAction, { status: "idle" });
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">{t("scores.hint")}</p>
      <form action={action} className="flex flex-wrap items-end gap-3">
        <input type="hidden" name="campaignId" value={campaignId} />
        <input type="hidden" name="slug" value={slug} />
        <label className="text-sm font-medium">
          {t("scores.file")}
          <input type="file" name="file" accept=".csv,text/csv" required className="field" />
        </label>
        <button type="submit" className="btn-primary" disabled={pending}>
          {t("scores.upload")}
        </button>
      </form>
      {state.status === "ok" && (
        <p role="status" className="rounded bg-emerald-50 p-3 text-sm" data-testid="scores-summary">
          {t("scores.done", {
            scores: state.summary.scores,
            added: state.summary.added,
            replaced: state.summary.replaced,
            benchmarks: state.summary.benchmarks.join(", "),
          })}
        </p>
      )}
      {state.status === "error" && state.code === "REJECTED" && state.details && (
        <div role="alert" className="rounded bg-red-50 p-3 text-sm text-red-800" data-testid="scores-errors">
          <p className="font-medium">{t("scores.rejected", { n: state.details.length })}</p>
          <ul className="mt-2 list-disc pl-5 font-mono text-xs">
            {state.details.map((e, i) => (
              <li key={i}>
                {e.line}: {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {state.status === "error" && state.code !== "REJECTED" && (
        <p role="alert" className="text-sm text-red-700">
          {t(`scores.errors.${state.code}`)}
        </p>
      )}
    </div>
  );
}
