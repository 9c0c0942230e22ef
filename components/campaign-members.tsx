"use client";

import { useActionState } from "react";
import { addMemberAction, removeMemberAction, type CampaignFormState } from "@/lib/campaigns/actions";
import type { CampaignDetail } from "@/lib/campaigns/queries";
import { FormResult } from "./form-error";
import { useI18n } from "./i18n-provider";

/** The campaign's annotators: add an existing account by e-mail, or remove one. */
export function CampaignMembers({ campaign }: { campaign: CampaignDetail }) {
  const { t } = useI18n();
  const [state, action, pending] = useActionState<CampaignFormState, FormData>(addMemberAction, { status: "idle" });
  return (
    <div className="space-y-3">
      {campaign.members.length === 0 ? (
        <p className="text-sm text-slate-600">{t("campaignPage.noMembers")}</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" data-testid="members">
          {campaign.members.map((member) => (
            <li key={member.userId} className="flex items-center justify-between gap-2 py-2">
              <span>
                {member.displayName} · {member.email}
              </span>
              <form action={removeMemberAction}>
                <input type="hidden" name="campaignId" value={campaign.id} />
                <input type="hidden" name="slug" value={campaign.slug} />
                <input type="hidden" name="userId" value={member.userId} />
                <button type="submit" className="btn-secondary px-2 py-1">
                  {t("campaignPage.removeMember")}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <form action={action} className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="campaignId" value={campaign.id} />
        <input type="hidden" name="slug" value={campaign.slug} />
        <label className="text-sm font-medium">
          {t("campaignPage.memberEmail")}
          <input name="email" type="email" required className="field" />
        </label>
        <button type="submit" className="btn-secondary" disabled={pending}>
          {t("campaignPage.addMember")}
        </button>
        <FormResult state={state} />
      </form>
      <p className="text-xs text-slate-500">{t("campaignPage.inviteHint")}</p>
    </div>
  );
}
