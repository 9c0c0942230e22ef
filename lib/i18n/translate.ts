import type { Messages } from "./messages/en";

type Leaves<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Every message key, e.g. "signIn.errors.INVALID". */
export type MessageKey = Leaves<Messages>;
export type TranslationValues = Record<string, string | number>;
export type Translator = (key: MessageKey, values?: TranslationValues) => string;

/** Looks keys up in a catalogue and fills `{name}` placeholders; an unknown key shows itself. */
export function createTranslator(messages: Messages): Translator {
  return (key, values) => {
    let node: unknown = messages;
    for (const part of key.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
    const template = typeof node === "string" ? node : key;
    if (!values) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
  };
}
