import "server-only";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { catalogues } from "./catalogue";
import { isLocale, LOCALE_COOKIE, negotiateLocale, type Locale } from "./locale";
import { createTranslator, type Translator } from "./translate";

/** The user's language: the switcher's cookie if set, otherwise the browser's Accept-Language. */
export const getLocale = cache(async (): Promise<Locale> => {
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (isLocale(chosen)) return chosen;
  return negotiateLocale((await headers()).get("accept-language"));
});

export async function getTranslator(): Promise<Translator> {
  return createTranslator(catalogues[await getLocale()]);
}
