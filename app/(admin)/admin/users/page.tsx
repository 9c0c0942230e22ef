import { InvitationCreator } from "@/components/invitation-creator";
import { PendingInvitationList } from "@/components/pending-invitation-list";
import { UserTable } from "@/components/user-table";
import { requireRole } from "@/lib/auth/session";
import { listCampaignChoices } from "@/lib/campaigns/queries";
import { getTranslator } from "@/lib/i18n/server";
import { listPendingInvitations } from "@/lib/users/invitations";
import { listUsers } from "@/lib/users/users";

export default async function UsersPage() {
  const admin = await requireRole("ADMIN");
  const [t, users, invitations, campaigns] = await Promise.all([
    getTranslator(),
    listUsers(),
    listPendingInvitations(),
    listCampaignChoices(),
  ]);
  return (
    <div className="space-y-8">
      <section>
        <h1 className="text-2xl font-semibold">{t("users.title")}</h1>
        <UserTable users={users} currentUserId={admin.id} />
      </section>
      <section className="grid gap-6 lg:grid-cols-2">
        <div className="card">
          <h2 className="text-lg font-semibold">{t("invitations.create")}</h2>
          <InvitationCreator campaigns={campaigns} />
        </div>
        <div className="card">
          <h2 className="text-lg font-semibold">{t("invitations.pending")}</h2>
          <PendingInvitationList invitations={invitations} />
        </div>
      </section>
    </div>
  );
}
