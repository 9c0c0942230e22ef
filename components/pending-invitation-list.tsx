import { withdrawInvitationAction } from "@/lib/users/actions";
import { getLocale, getTranslator } from "@/lib/i18n/server";
import type { PendingInvitation } from "@/lib/users/invitations";

export async function PendingInvitationList({ invitations }: { invitations: PendingInvitation[] }) {
  const [t, locale] = await Promise.all([getTranslator(), getLocale()]);
  if (invitations.length === 0) return <p className="mt-4 text-sm text-slate-600">{t("invitations.nonePending")}</p>;
  return (
    <ul className="mt-4 divide-y divide-slate-100 text-sm">
      {invitations.map((invitation) => (
        <li key={invitation.id} className="flex items-center justify-between gap-2 py-2">
          <div>
            <span className="font-medium">{t(`roles.${invitation.role}`)}</span> · {invitation.email ?? t("invitations.anyEmail")}
            {invitation.campaignName && <> · {invitation.campaignName}</>}
            <div className="text-xs text-slate-500">
              {t("invitations.expires")}: {invitation.expiresAt.toLocaleString(locale)}
            </div>
          </div>
          <form action={withdrawInvitationAction}>
            <input type="hidden" name="invitationId" value={invitation.id} />
            <button type="submit" className="btn-secondary px-2 py-1">
              {t("invitations.revoke")}
            </button>
          </form>
        </li>
      ))}
    </ul>
  );
}
