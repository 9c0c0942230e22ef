"use client";

import { useActionState } from "react";
import { createTokenAction, type TokenState } from "@/lib/auth/actions";
import { useI18n } from "./i18n-provider";
import { ScrollRegion } from "./scroll-region";

/** Names and creates a token, then shows it once with a curl example. */
export function ApiTokenCreator({ origin }: { origin: string }) {
  const { t } = useI18n();
  const [state, action, pending] = useActionState<TokenState, FormData>(createTokenAction, { status: "idle" });
  return (
    <div className="space-y-3">
      <form action={action} className="flex flex-wrap items-end gap-3">
        <label className="text-sm font-medium">
          {t("tokens.name")}
          <input name="name" required maxLength={100} className="field" />
        </label>
        <button type="submit" className="btn-primary" disabled={pending}>
          {t("tokens.create")}
        </button>
      </form>
      {state.status === "ok" && (
        <div role="status" className="space-y-2 rounded bg-emerald-50 p-3 text-sm">
          <p>{t("tokens.created")}</p>
          <code className="block rounded bg-white p-2 font-mono break-all" data-testid="new-token">
            {state.token}
          </code>
          <p>{t("tokens.usage")}</p>
          <ScrollRegion label={t("tokens.usage")} className="rounded bg-white">
            <pre className="p-2 text-xs">{`curl -H "Authorization: Bearer ${state.token}" \\\n  "${origin}/api/v1/campaigns/SLUG/leaderboard"`}</pre>
          </ScrollRegion>
        </div>
      )}
      {state.status === "error" && (
        <p role="alert" className="text-sm text-red-700">
          {t(`tokens.errors.${state.code}`)}
        </p>
      )}
    </div>
  );
}
