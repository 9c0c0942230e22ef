"use client";

import { signOut } from "next-auth/react";
import { useI18n } from "./i18n-provider";

export function SignOutButton() {
  const { t } = useI18n();
  return (
    <button
      type="button"
      className="text-sm text-slate-600 underline hover:text-slate-900"
      onClick={() => signOut({ callbackUrl: "/sign-in" })}
    >
      {t("nav.signOut")}
    </button>
  );
}
