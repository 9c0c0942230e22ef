"use client";

import { useActionState } from "react";
import { setStatusAction, type CampaignFormState } from "@/lib/campaigns/actions";
import { STATUS_TRANSITIONS, type CampaignStatusName } from "@/lib/campaigns/options";
import { FormResult } from "./form-error";
import { useI18n } from "./i18n-provider";

/** Open a draft for voting, close an active campaign, or reopen a closed one. */
export function CampaignStatusControls({ campaignId, slug, status }: { campaignId: string; slug: string; status: CampaignStatusName }) {
  const { t } = useI18n();
  const [state, action, pending] = useActionState<CampaignFormState, FormData>(setStatusAction, { status: "idle" });
  return (
    <div className="flex flex-wrap items-center gap-2">
      {STATUS_TRANSITIONS[status].map((next) => (
        <form key={next} action={action}>
          <input type="hidden" name="campaignId" value={campaignId} />
          <input type="hidden" name="slug" value={slug} />
          <input type="hidden" name="status" value={next} />
          <button type="submit" className={next === "ACTIVE" ? "btn-primary" : "btn-secondary"} disabled={pending}>
            {t(next === "ACTIVE" ? (status === "CLOSED" ? "campaignPage.reopen" : "campaignPage.activate") : "campaignPage.close")}
          </button>
        </form>
      ))}
      <FormResult state={state} />
    </div>
  );
}
