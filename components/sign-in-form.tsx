"use client";

import { signIn } from "next-auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { safeCallbackPath } from "@/lib/auth/callback";
import { useI18n } from "./i18n-provider";

const KNOWN_ERRORS = ["DISABLED", "THROTTLED"] as const;
type ErrorCode = "INVALID" | "DISABLED" | "THROTTLED" | "UNKNOWN";

function errorCode(error: string): ErrorCode {
  if (error === "CredentialsSignin") return "INVALID";
  return (KNOWN_ERRORS as readonly string[]).includes(error) ? (error as ErrorCode) : "UNKNOWN";
}

export function SignInForm({ defaultEmail = "" }: { defaultEmail?: string }) {
  const { t } = useI18n();
  const router = useRouter();
  const searchParams = useSearchParams();
  const [error, setError] = useState<ErrorCode | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    if (result?.ok && !result.error) {
      // Only paths on this app are followed, so a link cannot bounce users elsewhere.
      router.replace(safeCallbackPath(searchParams.get("callbackUrl"), window.location.origin));
      router.refresh();
      return;
    }
    setPending(false);
    setError(errorCode(result?.error ?? "UNKNOWN"));
  }

  return (
    <form onSubmit={onSubmit} className="mt-4 space-y-4" noValidate>
      <label className="block text-sm font-medium">
        {t("signIn.email")}
        <input name="email" type="email" autoComplete="username" required defaultValue={defaultEmail} className="field" />
      </label>
      <label className="block text-sm font-medium">
        {t("signIn.password")}
        <input name="password" type="password" autoComplete="current-password" required className="field" />
      </label>
      {error && (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-700">
          {t(`signIn.errors.${error}`)}
        </p>
      )}
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? t("signIn.submitting") : t("signIn.submit")}
      </button>
    </form>
  );
}
