import Link from "next/link";
import { getTranslator } from "@/lib/i18n/server";

export default async function NotFound() {
  const t = await getTranslator();
  return (
    <div className="card mx-auto max-w-lg text-center">
      <h1 className="text-xl font-semibold">{t("notFound.title")}</h1>
      <Link href="/" className="btn-secondary mt-4">
        {t("notFound.home")}
      </Link>
    </div>
  );
}
