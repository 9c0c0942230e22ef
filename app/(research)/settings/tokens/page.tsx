import { headers } from "next/headers";
import { ApiTokenCreator } from "@/components/api-token-creator";
import { ApiTokenList } from "@/components/api-token-list";
import { listApiTokens } from "@/lib/auth/api-tokens";
import { requireRole } from "@/lib/auth/session";
import { getTranslator } from "@/lib/i18n/server";
import { ScrollRegion } from "@/components/scroll-region";

export default async function TokensPage() {
  const user = await requireRole("RESEARCHER");
  const [t, tokens, requestHeaders] = await Promise.all([getTranslator(), listApiTokens(user.id), headers()]);
  const origin = process.env.NEXTAUTH_URL ?? `http://${requestHeaders.get("host") ?? "localhost:3000"}`;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("tokens.title")}</h1>
      <p className="text-sm text-slate-700">{t("tokens.intro")}</p>
      <section className="card">
        <ApiTokenCreator origin={origin} />
      </section>
      <ScrollRegion label={t("tokens.title")} className="card">
        <ApiTokenList tokens={tokens} />
      </ScrollRegion>
    </div>
  );
}
