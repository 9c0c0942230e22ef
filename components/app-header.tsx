import Link from "next/link";
import type { CurrentUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { getTranslator } from "@/lib/i18n/server";
import { LanguageSwitcher } from "./language-switcher";
import { SignOutButton } from "./sign-out-button";

/** Top bar: the areas this user may open, language, and sign-out. */
export async function AppHeader({ user }: { user: CurrentUser | null }) {
  const t = await getTranslator();
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav className="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-4 py-3">
        <Link href="/" className="font-semibold text-slate-900">
          {t("app.name")}
        </Link>
        {user && (
          <ul className="flex gap-3 text-sm">
            <li>
              <Link href="/vote">{t("nav.vote")}</Link>
            </li>
            {hasRole(user.role, "RESEARCHER") && (
              <>
                <li>
                  <Link href="/campaigns">{t("nav.campaigns")}</Link>
                </li>
                <li>
                  <Link href="/settings/tokens">{t("nav.tokens")}</Link>
                </li>
              </>
            )}
            {hasRole(user.role, "ADMIN") && (
              <li>
                <Link href="/admin/users">{t("nav.users")}</Link>
              </li>
            )}
          </ul>
        )}
        <div className="ml-auto flex items-center gap-3">
          {user && (
            <span className="text-sm text-slate-600" data-testid="signed-in-as">
              {t("nav.signedInAs", { name: user.displayName })} · {t(`roles.${user.role}`)}
            </span>
          )}
          <LanguageSwitcher />
          {user && <SignOutButton />}
        </div>
      </nav>
    </header>
  );
}
