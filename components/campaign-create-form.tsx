"use client";

import { useActionState } from "react";
import { createCampaignAction, type CampaignFormState } from "@/lib/campaigns/actions";
import { SLUG_PATTERN } from "@/lib/campaigns/options";
import { FormResult } from "./form-error";
import { useI18n } from "./i18n-provider";

export function CampaignCreateForm() {
  const { t } = useI18n();
  const [state, action, pending] = useActionState<CampaignFormState, FormData>(createCampaignAction, { status: "idle" });
  return (
    <form action={action} className="flex flex-wrap items-end gap-3">
      <label className="text-sm font-medium">
        {t("campaignPage.fields.name")}
        <input name="name" required maxLength={200} className="field" />
      </label>
      <label className="text-sm font-medium">
        {t("campaignPage.fields.slug")}
        <input name="slug" required pattern={SLUG_PATTERN} maxLength={60} className="field font-mono" placeholder="jp-chat-2026" />
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="live" />
        {t("campaignPage.fields.live")}
      </label>
      <button type="submit" className="btn-primary" disabled={pending}>
        {t("campaignPage.create")}
      </button>
      <FormResult state={state} />
    </form>
  );
}
