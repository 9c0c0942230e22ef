"use client";

import { createContext, useContext, useMemo } from "react";
import { catalogues } from "@/lib/i18n/catalogue";
import type { Locale } from "@/lib/i18n/locale";
import { createTranslator, type Translator } from "@/lib/i18n/translate";

const I18nContext = createContext<{ locale: Locale; t: Translator } | null>(null);

/** Makes the user's language available to client components (both catalogues are small and bundled). */
export function I18nProvider({ locale, children }: { locale: Locale; children: React.ReactNode }) {
  const value = useMemo(() => ({ locale, t: createTranslator(catalogues[locale]) }), [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): { locale: Locale; t: Translator } {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n must be used inside <I18nProvider>");
  return value;
}
