"use client";

import { useActionState, useState, useTransition } from "react";
import { addModelAction, setModelEnabledAction, testModelAction, type AddModelState } from "@/lib/live/actions";
import type { ConnectionTest, EndpointSummary, LiveBattleSummary } from "@/lib/live/endpoints";
import { formatUtcDateTime } from "@/lib/i18n/format";
import type { MessageKey } from "@/lib/i18n/translate";
import { ColumnHeads } from "./column-heads";
import { useI18n } from "./i18n-provider";
import { ScrollRegion } from "./scroll-region";

/** Where each field of the add-model form has its label, for saying which ones to check. */
const FIELD_LABELS: Record<string, MessageKey> = {
  kind: "liveModels.kind",
  name: "liveModels.name",
  baseUrl: "liveModels.baseUrl",
  apiModel: "liveModels.apiModel",
  apiKey: "liveModels.apiKey",
  systemPrompt: "liveModels.systemPrompt",
  params: "liveModels.params",
  concurrency: "liveModels.concurrency",
  timeoutSeconds: "liveModels.timeout",
};

interface Target {
  campaignId: string;
  slug: string;
}

function TestConnectionButton({ target, endpointId }: { target: Target; endpointId: string }) {
  const { t } = useI18n();
  const [result, setResult] = useState<ConnectionTest | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-1">
      <button
        type="button"
        className="btn-secondary px-2 py-1 text-xs"
        disabled={pending}
        onClick={() => startTransition(async () => setResult(await testModelAction({ campaignId: target.campaignId, endpointId })))}
      >
        {pending ? t("liveModels.testing") : t("liveModels.test")}
      </button>
      {result && (
        <p role="status" className={`max-w-xs text-xs ${result.ok ? "text-emerald-700" : "text-red-700"}`} data-testid="connection-result">
          {result.ok
            ? t("liveModels.testOk", { first: result.firstTokenMs, total: result.totalMs, sample: result.sample })
            : t("liveModels.testFailed", { error: result.error })}
        </p>
      )}
    </div>
  );
}

/** The campaign's live models: how each is reached, its workers' last poll, answers and failures. */
export function LiveModelTable({ target, endpoints }: { target: Target; endpoints: EndpointSummary[] }) {
  const { t, locale } = useI18n();
  if (endpoints.length === 0) return <p className="text-sm text-slate-600">{t("liveModels.none")}</p>;
  return (
    <ScrollRegion label={t("liveModels.title")}>
      <table className="w-full text-sm" data-testid="live-models">
        <ColumnHeads
          compact
          columns={[
            { label: t("liveModels.model") },
            { label: t("liveModels.reachedBy") },
            { label: t("liveModels.lastSeen") },
            { label: t("liveModels.answered"), numeric: true },
            { label: t("liveModels.failed"), numeric: true },
            { label: t("liveModels.actions") },
          ]}
        />
        <tbody>
          {endpoints.map((endpoint) => (
            <tr key={endpoint.id} className="border-b border-slate-100 align-top" data-testid="live-model-row">
              <td className="px-2 py-1 font-medium">
                {endpoint.model}
                {!endpoint.enabled && <span className="ml-2 text-xs text-slate-500">({t("liveModels.disabled")})</span>}
              </td>
              <td className="px-2 py-1 text-xs break-all">
                {endpoint.kind === "PUSHED"
                  ? `${endpoint.baseUrl}${endpoint.apiModel ? ` · ${endpoint.apiModel}` : ""}${endpoint.hasApiKey ? ` · ${t("liveModels.withKey")}` : ""}`
                  : t("liveModels.workers", { prefix: endpoint.workerTokenPrefix ?? "" })}
              </td>
              <td className="px-2 py-1 text-xs">
                {endpoint.kind === "PULLED"
                  ? endpoint.lastSeenAt
                    ? formatUtcDateTime(locale, endpoint.lastSeenAt)
                    : t("liveModels.never")
                  : "—"}
              </td>
              <td className="px-2 py-1 text-right tabular-nums">{endpoint.answered}</td>
              <td className="px-2 py-1 text-right tabular-nums">{endpoint.failed}</td>
              <td className="space-y-1 px-2 py-1">
                {endpoint.kind === "PUSHED" && <TestConnectionButton target={target} endpointId={endpoint.id} />}
                <form action={setModelEnabledAction}>
                  <input type="hidden" name="campaignId" value={target.campaignId} />
                  <input type="hidden" name="slug" value={target.slug} />
                  <input type="hidden" name="endpointId" value={endpoint.id} />
                  <input type="hidden" name="enabled" value={String(!endpoint.enabled)} />
                  <button type="submit" className="btn-secondary px-2 py-1 text-xs">
                    {endpoint.enabled ? t("liveModels.disable") : t("liveModels.enable")}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

/** Adds a pushed model (URL, key) or a pulled one (shows its worker token once). */
export function LiveModelForm({ target }: { target: Target }) {
  const { t } = useI18n();
  const [state, action, pending] = useActionState<AddModelState, FormData>(addModelAction, { status: "idle" });
  const [, startTransition] = useTransition();
  return (
    <form
      // A new form (empty fields, pushed again) once a model is added; after a refusal the fields
      // keep what was typed. Submitted by hand: a form `action` would empty them either way.
      key={state.status === "ok" ? state.model : "new"}
      className="space-y-3"
      data-testid="live-model-form"
      onSubmit={(event) => {
        event.preventDefault();
        const form = event.currentTarget;
        startTransition(() => action(new FormData(form)));
      }}
    >
      <ModelFields target={target} />
      <button type="submit" className="btn-primary" disabled={pending}>
        {t("liveModels.add")}
      </button>
      {state.status === "ok" && (
        <div role="status" className="space-y-2 rounded bg-emerald-50 p-3 text-sm">
          <p>{t("liveModels.added")}</p>
          {state.workerToken && (
            <>
              <p>{t("liveModels.workerToken")}</p>
              <code className="block rounded bg-white p-2 font-mono break-all" data-testid="worker-token">
                {state.workerToken}
              </code>
            </>
          )}
        </div>
      )}
      {state.status === "invalid" && (
        <p role="alert" className="text-sm text-red-700">
          {t("liveModels.invalid", { problems: state.fields.map((field) => t(FIELD_LABELS[field] ?? "liveModels.name")).join("; ") })}
          {state.fields.includes("baseUrl") && ` ${t("liveModels.baseUrlRules")}`}
        </p>
      )}
      {state.status === "error" && (
        <p role="alert" className="text-sm text-red-700">
          {state.code === "URL_REFUSED" && state.details
            ? t("liveModels.refused", { host: state.details.host, kind: state.details.kind })
            : state.code !== "URL_REFUSED" && t(`liveModels.errors.${state.code}`)}
        </p>
      )}
    </form>
  );
}

/** The add-model form's fields: those of a pushed model only when that is the kind chosen. */
function ModelFields({ target }: { target: Target }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<"PUSHED" | "PULLED">("PUSHED");
  return (
    <>
      <input type="hidden" name="campaignId" value={target.campaignId} />
      <input type="hidden" name="slug" value={target.slug} />
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="mb-1 font-medium">{t("liveModels.kind")}</legend>
        {(["PUSHED", "PULLED"] as const).map((option) => (
          <label key={option} className="flex items-center gap-2">
            <input type="radio" name="kind" value={option} checked={kind === option} onChange={() => setKind(option)} />
            {t(`liveModels.kinds.${option}`)}
          </label>
        ))}
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="text-sm font-medium">
          {t("liveModels.name")}
          <input name="name" required maxLength={200} className="field" />
        </label>
        {kind === "PUSHED" && (
          <>
            <label className="text-sm font-medium">
              {t("liveModels.baseUrl")}
              <input name="baseUrl" type="url" required className="field font-mono" placeholder="http://gpu-box:8000/v1" />
            </label>
            <label className="text-sm font-medium">
              {t("liveModels.apiModel")}
              <input name="apiModel" maxLength={200} className="field font-mono" />
            </label>
            <label className="text-sm font-medium">
              {t("liveModels.apiKey")}
              <input name="apiKey" type="password" autoComplete="off" maxLength={1000} className="field font-mono" />
            </label>
          </>
        )}
        <label className="text-sm font-medium">
          {t("liveModels.concurrency")}
          <input name="concurrency" type="number" min={1} max={1000} defaultValue={4} className="field" />
        </label>
        <label className="text-sm font-medium">
          {t("liveModels.timeout")}
          <input name="timeoutSeconds" type="number" min={1} max={3600} defaultValue={120} className="field" />
        </label>
      </div>
      <label className="block text-sm font-medium">
        {t("liveModels.systemPrompt")}
        <textarea name="systemPrompt" rows={2} maxLength={20000} className="field" />
      </label>
      <label className="block text-sm font-medium">
        {t("liveModels.params")}
        <textarea name="params" rows={2} className="field font-mono" placeholder='{"temperature": 0.7, "max_tokens": 1024}' />
      </label>
    </>
  );
}

/** How the campaign's battles ended, and the latest failures with their causes (researchers only). */
export function LiveBattleSummaryView({ summary }: { summary: LiveBattleSummary }) {
  const { t, locale } = useI18n();
  const figures = [
    [t("liveModels.battles.voted"), summary.voted],
    [t("liveModels.battles.ready"), summary.ready],
    [t("liveModels.battles.generating"), summary.generating],
    [t("liveModels.battles.voided"), summary.voided],
  ] as const;
  return (
    <div className="space-y-3" data-testid="live-battles">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {figures.map(([label, value]) => (
          <div key={label} className="rounded border border-slate-200 p-3">
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className="text-lg font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      {summary.recentFailures.length > 0 && (
        <table className="w-full text-sm">
          <caption className="mb-1 text-left text-xs text-slate-500">{t("liveModels.battles.recentFailures")}</caption>
          <ColumnHeads
            compact
            columns={[
              { label: t("liveModels.battles.when") },
              { label: t("liveModels.battles.cause") },
              { label: t("liveModels.battles.detail") },
            ]}
          />
          <tbody>
            {summary.recentFailures.map((failure, index) => (
              <tr key={index} className="border-b border-slate-100" data-testid="live-failure">
                <td className="px-2 py-1 text-xs whitespace-nowrap">{formatUtcDateTime(locale, failure.at)}</td>
                <td className="px-2 py-1 text-xs">{failure.cause}</td>
                <td className="px-2 py-1 text-xs break-all">{failure.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
