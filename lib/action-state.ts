import { z } from "zod";

/**
 * What every form's server action returns (`useActionState`): nothing yet, done (with what the
 * form shows afterwards), which fields need another look, or a refusal with its code — and, where
 * a refusal needs more to be explained (an import's problems, a refused host), its details.
 * Actions live beside their domain as `lib/<area>/actions.ts`, are named `<verb><Thing>Action`,
 * and each authorises, validates, calls the domain and returns one of these.
 */
export type ActionState<Ok extends object = object, Code extends string = string, Details = never> =
  | { status: "idle" }
  | ({ status: "ok" } & Ok)
  | { status: "invalid"; fields: string[] }
  | ([Details] extends [never] ? { status: "error"; code: Code } : { status: "error"; code: Code; details?: Details });

export const IDLE = { status: "idle" } as const;

/** The fields a schema refused, by name, for the form to point at. */
export function invalidFields(error: z.ZodError): { status: "invalid"; fields: string[] } {
  return { status: "invalid", fields: Object.keys(z.flattenError(error).fieldErrors) };
}
