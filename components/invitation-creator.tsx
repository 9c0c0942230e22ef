"use client";

import { useActionState } from "react";
import { createInvitationAction, type InvitationState } from "@/lib/users/actions";
import { ROLES } from "@/lib/auth/roles";
import { useI18n } from "./i18n-provider";

export function InvitationCreator({ campaigns }: { campaigns: { id: string; name: string }[] }) {
  const { t } = useI18n();
  const [state, action, pending] = useActionState<InvitationState, FormData>(createInvitationAction, { status: "idle" });
  const link = state.status === "ok" ? `${window.location.origin}${state.path}` : null;
  return (
    <form action={action} className="mt-4 space-y-3">
      <label className="block text-sm font-medium">
        {t("invitations.role")}
        <select name="role" className="field" defaultValue="ANNOTATOR">
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {t(`roles.${role}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="block text-sm font-medium">
        {t("invitations.email")}
        <input name="email" type="email" className="field" aria-invalid={state.status === "invalid" && state.fields.includes("email")} />
      </label>
      <label className="block text-sm font-medium">
        {t("invitations.campaign")}
        <select name="campaignId" className="field" defaultValue="">
          <option value="">{t("invitations.noCampaign")}</option>
          {campaigns.map((campaign) => (
            <option key={campaign.id} value={campaign.id}>
              {campaign.name}
            </option>
          ))}
        </select>
      </label>
      <label className="block text-sm font-medium">
        {t("invitations.expiresInDays")}
        <input name="expiresInDays" type="number" min={1} max={90} defaultValue={7} className="field" />
      </label>
      {state.status === "invalid" && (
        <p role="alert" className="text-sm text-red-700">
          {t("invite.errors.INVALID")}
        </p>
      )}
      <button type="submit" className="btn-primary" disabled={pending}>
        {pending ? t("invitations.creating") : t("invitations.create")}
      </button>
      {link && (
        <div className="rounded bg-emerald-50 p-3 text-sm">
          <p>{t("invitations.created")}</p>
          <input
            readOnly
            value={link}
            data-testid="invitation-link"
            className="field font-mono text-xs"
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
      )}
    </form>
  );
}
