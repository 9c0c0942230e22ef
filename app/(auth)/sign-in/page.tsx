import { redirect } from "next/navigation";
import { Suspense } from "react";
import { SignInForm } from "@/components/sign-in-form";
import { currentUser } from "@/lib/auth/session";
import { homePathFor } from "@/lib/auth/roles";
import { getTranslator } from "@/lib/i18n/server";

export default async function SignInPage() {
  const user = await currentUser();
  if (user) redirect(homePathFor(user.role));
  const t = await getTranslator();
  return (
    <div className="card mx-auto mt-8 max-w-md">
      <h1 className="text-xl font-semibold">{t("signIn.title")}</h1>
      <Suspense>
        <SignInForm />
      </Suspense>
      <p className="mt-4 text-sm text-slate-600">{t("signIn.noAccount")}</p>
    </div>
  );
}
