"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ImportError } from "@/lib/imports/problems";
import type { ImportSummary } from "@/lib/imports/write";
import { useI18n } from "./i18n-provider";
import { ScrollRegion } from "./scroll-region";
import { ProgressBar } from "./progress-bar";

type UploadState =
  | { phase: "idle" }
  | { phase: "uploading"; loaded: number; total: number }
  | { phase: "processing" }
  | { phase: "done"; summary: ImportSummary }
  | { phase: "rejected"; errors: ImportError[]; total: number }
  | { phase: "failed"; message: string };

/**
 * Uploads an import with XMLHttpRequest, because fetch cannot report upload progress; the
 * server's answer is either a summary or the complete list of line-numbered problems.
 */
export function ImportUploader({ slug }: { slug: string }) {
  const { t } = useI18n();
  const router = useRouter();
  const [mode, setMode] = useState<"rows" | "mtbench">("rows");
  const [state, setState] = useState<UploadState>({ phase: "idle" });

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const request = new XMLHttpRequest();
    request.open("POST", `/api/v1/campaigns/${encodeURIComponent(slug)}/imports`);
    request.responseType = "json";
    request.upload.onprogress = (e) => setState({ phase: "uploading", loaded: e.loaded, total: e.total });
    request.upload.onload = () => setState({ phase: "processing" });
    request.onerror = () => setState({ phase: "failed", message: t("imports.networkError") });
    request.onload = () => {
      const body = request.response as {
        summary?: ImportSummary;
        details?: ImportError[];
        total?: number;
        error?: string;
      } | null;
      if (request.status === 200 && body?.summary) {
        setState({ phase: "done", summary: body.summary });
        router.refresh();
      } else if (request.status === 422 && body?.details) {
        setState({ phase: "rejected", errors: body.details, total: body.total ?? body.details.length });
      } else {
        setState({ phase: "failed", message: body?.error ?? `HTTP ${request.status}` });
      }
    };
    setState({ phase: "uploading", loaded: 0, total: 1 });
    request.send(data);
  }

  const busy = state.phase === "uploading" || state.phase === "processing";
  return (
    <div className="space-y-3">
      <div className="flex gap-4 text-sm">
        <label className="flex items-center gap-1">
          <input type="radio" name="mode" checked={mode === "rows"} onChange={() => setMode("rows")} /> {t("imports.modeRows")}
        </label>
        <label className="flex items-center gap-1">
          <input type="radio" name="mode" checked={mode === "mtbench"} onChange={() => setMode("mtbench")} /> {t("imports.modeMtBench")}
        </label>
      </div>
      <form onSubmit={submit} className="space-y-3">
        {mode === "rows" ? (
          <label className="block text-sm font-medium">
            {t("imports.rowsFile")}
            <input type="file" name="file" accept=".jsonl,.json,.csv" required className="field" />
            <span className="mt-1 block text-xs font-normal text-slate-500">{t("imports.rowsHint")}</span>
          </label>
        ) : (
          <>
            <label className="block text-sm font-medium">
              {t("imports.questionsFile")}
              <input type="file" name="questions" accept=".jsonl" required className="field" />
            </label>
            <label className="block text-sm font-medium">
              {t("imports.answerFiles")}
              <input type="file" name="answers" accept=".jsonl" multiple required className="field" />
            </label>
          </>
        )}
        <button type="submit" className="btn-primary" disabled={busy}>
          {t("imports.upload")}
        </button>
      </form>
      {state.phase === "uploading" && (
        <ProgressBar
          label={t("imports.uploading")}
          value={Math.round(state.loaded / 1024)}
          max={Math.max(1, Math.round(state.total / 1024))}
          testId="upload-progress"
        />
      )}
      {state.phase === "processing" && (
        <p className="text-sm text-slate-600" role="status">
          {t("imports.processing")}
        </p>
      )}
      {state.phase === "done" && (
        <p className="rounded bg-emerald-50 p-3 text-sm" role="status" data-testid="import-summary">
          {t("imports.summary", {
            prompts: state.summary.promptsAdded,
            outputs: state.summary.outputsAdded,
            models: state.summary.modelsAdded,
            items: state.summary.itemsAdded,
            kept: state.summary.outputsKept,
            blocked: state.summary.itemsBlocked,
          })}
        </p>
      )}
      {state.phase === "rejected" && (
        <div role="alert" className="rounded bg-red-50 p-3 text-sm text-red-800" data-testid="import-errors">
          <p className="font-medium">{t("imports.rejected", { n: state.total })}</p>
          <ScrollRegion label={t("imports.rejected", { n: state.total })} className="mt-2 max-h-64 overflow-y-auto">
            <ul className="list-disc pl-5 font-mono text-xs">
              {state.errors.map((e, i) => (
                <li key={i}>
                  {e.source}:{e.line}: {t(`importErrors.${e.code}`, e.params)}
                </li>
              ))}
            </ul>
          </ScrollRegion>
        </div>
      )}
      {state.phase === "failed" && (
        <p role="alert" className="text-sm text-red-700">
          {state.message}
        </p>
      )}
    </div>
  );
}
