import Link from "next/link";
import { getTranslator } from "@/lib/i18n/server";

export default async function Forbidden() {
  const t = await getTranslator();
  return (
    <div className="card mx-auto max-w-lg text-center">
      <h1 className="text-xl font-semibold">{t("forbidden.title")}</h1>
      <p className="mt-2 text-slate-600">{t("forbidden.body")}</p>
      <Link href="/" className="btn-secondary mt-4">
        {t("forbidden.home")}
      </Link>
    </div>
  );
}
