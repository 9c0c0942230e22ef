import type { UserRow } from "@/lib/users/users";
import { getLocale, getTranslator } from "@/lib/i18n/server";
import { ColumnHeads } from "./column-heads";
import { ScrollRegion } from "./scroll-region";
import { UserRowControls } from "./user-row-controls";

export async function UserTable({ users, currentUserId }: { users: UserRow[]; currentUserId: string }) {
  const [t, locale] = await Promise.all([getTranslator(), getLocale()]);
  return (
    <ScrollRegion label={t("users.title")} className="mt-4 rounded-lg bg-white shadow-sm">
      <table className="w-full text-sm">
        <ColumnHeads
          columns={[
            { label: t("users.name") },
            { label: t("users.email") },
            { label: t("users.status"), nowrap: true },
            { label: t("users.actions") },
          ]}
        />
        <tbody>
          {users.map((user) => (
            <tr key={user.id} className="border-t border-slate-100" data-testid={`user-row-${user.email}`}>
              <td className="px-3 py-2">
                {user.displayName} {user.id === currentUserId && <span className="text-slate-500">{t("users.you")}</span>}
                <div className="text-xs text-slate-500">{user.createdAt.toLocaleDateString(locale)}</div>
              </td>
              <td className="px-3 py-2">{user.email}</td>
              <td className="px-3 py-2 whitespace-nowrap">{user.disabled ? t("users.disabled") : t("users.active")}</td>
              <td className="px-3 py-2">
                <UserRowControls userId={user.id} role={user.role} disabled={user.disabled} isSelf={user.id === currentUserId} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
