"use client";

import { useActionState } from "react";
import { importJudgmentsAction, type JudgmentsState } from "@/lib/judges/actions";
import { useI18n } from "./i18n-provider";

/** Upload of one of FastChat's judgment files; shows what was imported, or every problem with its line (nothing saved). */
export function JudgmentsUploader({ campaignId, slug }: { campaignId: string; slug: string }) {
  const { t } = useI18n();
  const [state, action, pending] = useActionState<JudgmentsState, FormData>(importJudgmentsAction, { status: "idle" });
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">{t("judges.importHint")}</p>
      <form action={action} className="flex flex-wrap items-end gap-3">
        <input type="hidden" name="campaignId" value={campaignId} />
        <input type="hidden" name="slug" value={slug} />
        <label className="text-sm font-medium">
          {t("judges.file")}
          <input type="file" name="file" accept=".jsonl,.json,application/jsonl" required className="field" />
        </label>
        <label className="text-sm font-medium">
          {t("judges.name")}
          <input type="text" name="name" maxLength={200} className="field" />
        </label>
        <button type="submit" className="btn-primary" disabled={pending}>
          {t("judges.upload")}
        </button>
      </form>
      {state.status === "ok" && (
        <p role="status" className="rounded bg-emerald-50 p-3 text-sm" data-testid="judgments-summary">
          {t("judges.done", {
            judge: state.summary.judge,
            added: state.summary.added,
            unchanged: state.summary.unchanged,
            failed: state.summary.failed,
          })}
        </p>
      )}
      {state.status === "error" && state.code === "REJECTED" && state.details && (
        <div role="alert" className="rounded bg-red-50 p-3 text-sm text-red-800" data-testid="judgments-errors">
          <p className="font-medium">{t("judges.rejected", { n: state.details.length })}</p>
          <ul className="mt-2 list-disc pl-5 font-mono text-xs">
            {state.details.map((e, i) => (
              <li key={i}>
                {e.source}:{e.line}: {t(`importErrors.${e.code}`, e.params)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {state.status === "error" && state.code !== "REJECTED" && (
        <p role="alert" className="text-sm text-red-700">
          {t(`judges.errors.${state.code}`)}
        </p>
      )}
    </div>
  );
}
