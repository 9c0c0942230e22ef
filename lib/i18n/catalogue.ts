import type { Locale } from "./locale";
import { en, type Messages } from "./messages/en";
import { ja } from "./messages/ja";

export const catalogues: Record<Locale, Messages> = { en, ja };
