"use server";

import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { acceptInvitation } from "@/lib/users/invitations";

const signUpSchema = z
  .object({
    token: z.string().min(20).max(200),
    email: z.email().max(254),
    displayName: z.string().trim().min(1).max(100),
    password: z.string().min(MIN_PASSWORD_LENGTH).max(200),
    passwordConfirm: z.string(),
  })
  .refine((input) => input.password === input.passwordConfirm, { path: ["passwordConfirm"], message: "PASSWORD_MISMATCH" });

export type SignUpState =
  | { status: "idle" }
  | { status: "invalid"; fieldErrors: Partial<Record<"email" | "displayName" | "password" | "passwordConfirm", string[]>> }
  | { status: "error"; code: "NOT_FOUND" | "EXPIRED" | "USED" | "REVOKED" | "EMAIL_TAKEN" | "EMAIL_MISMATCH" }
  | { status: "ok"; email: string };

/** Public by design: the invitation token is the credential, checked and claimed in the domain call. */
export async function signUpWithInvitation(_previous: SignUpState, form: FormData): Promise<SignUpState> {
  const input = signUpSchema.safeParse(Object.fromEntries(form));
  if (!input.success) return { status: "invalid", fieldErrors: z.flattenError(input.error).fieldErrors };
  const { token, email, displayName, password } = input.data;
  const result = await acceptInvitation(token, { email, displayName, password });
  return result.ok ? { status: "ok", email: result.email } : { status: "error", code: result.code };
}
