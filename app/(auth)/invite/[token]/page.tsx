import { InvitationSignUpForm } from "@/components/invitation-sign-up-form";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { getTranslator } from "@/lib/i18n/server";
import { findInvitation } from "@/lib/users/invitations";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [t, lookup] = await Promise.all([getTranslator(), findInvitation(token)]);
  if (!lookup.ok) {
    return (
      <div className="card mx-auto mt-8 max-w-md">
        <h1 className="text-xl font-semibold">{t("invite.title")}</h1>
        <p role="alert" className="mt-4 rounded bg-red-50 px-3 py-2 text-sm text-red-700">
          {t(`invite.errors.${lookup.code}`)}
        </p>
      </div>
    );
  }
  const { invitation } = lookup;
  const role = t(`roles.${invitation.role}`);
  return (
    <div className="card mx-auto mt-8 max-w-md">
      <h1 className="text-xl font-semibold">{t("invite.title")}</h1>
      <p className="mt-2 text-slate-600">
        {invitation.campaignName ? t("invite.introCampaign", { role, campaign: invitation.campaignName }) : t("invite.intro", { role })}
      </p>
      <InvitationSignUpForm token={token} fixedEmail={invitation.email} minPasswordLength={MIN_PASSWORD_LENGTH} />
    </div>
  );
}
