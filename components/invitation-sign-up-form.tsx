"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef } from "react";
import { signUpAction, type SignUpState } from "@/lib/users/actions";
import { useI18n } from "./i18n-provider";

type Field = "email" | "displayName" | "password" | "passwordConfirm";

/** Zod's own messages are English; the field name picks the translated explanation instead. */
function FieldError({ field, errors }: { field: Field; errors: string[] }) {
  const { t } = useI18n();
  if (!errors.includes(field)) return null;
  return <span className="mt-1 block text-xs text-red-700">{t(`invite.fieldErrors.${field}`)}</span>;
}

export function InvitationSignUpForm({
  token,
  fixedEmail,
  minPasswordLength,
}: {
  token: string;
  fixedEmail: string | null;
  minPasswordLength: number;
}) {
  const { t } = useI18n();
  const router = useRouter();
  const [state, action, pending] = useActionState<SignUpState, FormData>(signUpAction, { status: "idle" });
  const password = useRef("");

  // The account exists now; sign in with what the user just typed so they land in their area.
  useEffect(() => {
    if (state.status !== "ok") return;
    void signIn("credentials", { email: state.email, password: password.current, redirect: false }).then(() => {
      router.replace("/");
      router.refresh();
    });
  }, [state, router]);

  const fieldErrors = state.status === "invalid" ? state.fields : [];
  return (
    <form
      action={action}
      className="mt-4 space-y-4"
      onSubmit={(e) => (password.current = String(new FormData(e.currentTarget).get("password") ?? ""))}
    >
      <input type="hidden" name="token" value={token} />
      <label className="block text-sm font-medium">
        {t("signIn.email")}
        <input
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={fixedEmail ?? ""}
          readOnly={Boolean(fixedEmail)}
          className="field"
        />
        <FieldError field="email" errors={fieldErrors} />
      </label>
      <label className="block text-sm font-medium">
        {t("invite.displayName")}
        <input name="displayName" required maxLength={100} className="field" />
        <FieldError field="displayName" errors={fieldErrors} />
      </label>
      <label className="block text-sm font-medium">
        {t("signIn.password")}
        <input name="password" type="password" autoComplete="new-password" required minLength={minPasswordLength} className="field" />
        <span className="mt-1 block text-xs text-slate-500">{t("invite.passwordHint", { min: minPasswordLength })}</span>
        <FieldError field="password" errors={fieldErrors} />
      </label>
      <label className="block text-sm font-medium">
        {t("invite.passwordConfirm")}
        <input name="passwordConfirm" type="password" autoComplete="new-password" required className="field" />
        <FieldError field="passwordConfirm" errors={fieldErrors} />
      </label>
      {state.status === "error" && (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-700">
          {t(`invite.errors.${state.code}`)}
        </p>
      )}
      {state.status === "invalid" && (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-700">
          {t("invite.errors.INVALID")}
        </p>
      )}
      <button type="submit" className="btn-primary w-full" disabled={pending || state.status === "ok"}>
        {pending || state.status === "ok" ? t("invite.submitting") : t("invite.submit")}
      </button>
    </form>
  );
}
