"use client";

import { useActionState } from "react";
import { startJudgeRunAction, type JudgeRunState } from "@/lib/judges/actions";
import type { MessageKey } from "@/lib/i18n/translate";
import { useI18n } from "./i18n-provider";

/** Sets up a judge Hikaku runs against an OpenAI-compatible endpoint, and starts it. */
export function JudgeRunForm({ campaignId, slug }: { campaignId: string; slug: string }) {
  const { t } = useI18n();
  const [state, action, pending] = useActionState<JudgeRunState, FormData>(startJudgeRunAction, { status: "idle" });
  const field = (name: string, label: MessageKey, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <label className="text-sm font-medium">
      {t(label)}
      <input name={name} className="field" {...props} />
    </label>
  );
  return (
    <form action={action} className="space-y-3" data-testid="judge-run-form">
      <p className="text-sm text-slate-600">{t("judges.runHint")}</p>
      <input type="hidden" name="campaignId" value={campaignId} />
      <input type="hidden" name="slug" value={slug} />
      <div className="grid gap-3 sm:grid-cols-2">
        {field("name", "judges.runName", { required: true, maxLength: 200 })}
        {field("baseUrl", "judges.baseUrl", { required: true, type: "url", placeholder: "https://api.example.com/v1", maxLength: 2000 })}
        {field("apiModel", "judges.apiModel", { maxLength: 200 })}
        {field("apiKey", "judges.apiKey", { type: "password", autoComplete: "off", maxLength: 1000 })}
        <label className="text-sm font-medium">
          {t("judges.prompt")}
          <select name="prompt" className="field" defaultValue="pair">
            <option value="pair">{t("judges.promptPair")}</option>
            <option value="pair-ja">{t("judges.promptPairJa")}</option>
          </select>
        </label>
        {field("limit", "judges.limit", { type: "number", min: 1, inputMode: "numeric" })}
        {field("concurrency", "judges.concurrency", { type: "number", min: 1, max: 64, defaultValue: 4, inputMode: "numeric" })}
        <label className="flex items-center gap-2 self-end text-sm">
          <input type="checkbox" name="swap" defaultChecked />
          {t("judges.swap")}
        </label>
      </div>
      <button type="submit" className="btn-primary" disabled={pending}>
        {t("judges.start")}
      </button>
      {state.status === "ok" && (
        <p role="status" className="text-sm text-emerald-700">
          {t("judges.started")}
        </p>
      )}
      {state.status === "invalid" && (
        <p role="alert" className="text-sm text-red-700">
          {t("judges.invalid", { fields: state.fields.join(", ") })}
        </p>
      )}
      {state.status === "error" && (
        <p role="alert" className="text-sm text-red-700">
          {t(`judges.runErrors.${state.code}`, { detail: state.code === "URL_REFUSED" ? (state.details ?? "") : "" })}
        </p>
      )}
    </form>
  );
}
