"use client";

import type { CampaignFormState } from "@/lib/campaigns/actions";
import type { MessageKey } from "@/lib/i18n/translate";
import { useI18n } from "./i18n-provider";

/** The outcome of a campaign form: saved, which fields were wrong, or a refusal explained. */
export function FormResult({ state, savedText }: { state: CampaignFormState; savedText?: string }) {
  const { t } = useI18n();
  if (state.status === "ok" && savedText)
    return (
      <p className="text-sm text-emerald-700" role="status">
        {savedText}
      </p>
    );
  if (state.status === "invalid") {
    const fields = state.fields.map((field) => t(`campaignPage.fields.${field}` as MessageKey)).join(", ");
    return (
      <p role="alert" className="text-sm text-red-700">
        {t("campaignPage.invalidFields", { fields })}
      </p>
    );
  }
  if (state.status === "error") {
    return (
      <p role="alert" className="text-sm text-red-700">
        {t(`campaignPage.errors.${state.code}` as MessageKey)}
      </p>
    );
  }
  return null;
}
