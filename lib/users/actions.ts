"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { invalidFields, type ActionState } from "@/lib/action-state";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { campaignExists } from "@/lib/campaigns/queries";
import { requireRole } from "@/lib/auth/session";
import { ROLES } from "@/lib/auth/roles";
import { acceptInvitation, createInvitation, revokeInvitation } from "./invitations";
import { changeRole, setDisabled } from "./users";

const PAGE = "/admin/users";
const roleSchema = z.enum(ROLES);

export type UserActionState = ActionState<object, "SELF" | "LAST_ADMIN" | "NOT_FOUND" | "INVALID">;

const roleChangeSchema = z.object({ userId: z.uuid(), role: roleSchema });

export async function changeRoleAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const admin = await requireRole("ADMIN");
  const input = roleChangeSchema.safeParse(Object.fromEntries(form));
  if (!input.success) return { status: "error", code: "INVALID" };
  const result = await changeRole(admin.id, input.data.userId, input.data.role);
  if (!result.ok) return { status: "error", code: result.code };
  revalidatePath(PAGE);
  return { status: "ok" };
}

const disableSchema = z.object({ userId: z.uuid(), disabled: z.enum(["true", "false"]).transform((v) => v === "true") });

export async function setUserDisabledAction(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const admin = await requireRole("ADMIN");
  const input = disableSchema.safeParse(Object.fromEntries(form));
  if (!input.success) return { status: "error", code: "INVALID" };
  const result = await setDisabled(admin.id, input.data.userId, input.data.disabled);
  if (!result.ok) return { status: "error", code: result.code };
  revalidatePath(PAGE);
  return { status: "ok" };
}

const invitationSchema = z.object({
  role: roleSchema,
  email: z.union([z.literal(""), z.email().max(254)]).transform((v) => v || undefined),
  campaignId: z.union([z.literal(""), z.uuid()]).transform((v) => v || undefined),
  expiresInDays: z.coerce.number().int().min(1).max(90),
});

/** Created (with the link's path and when it expires), or the fields to look at again. */
export type InvitationState = ActionState<{ path: string; expiresAt: string }, never>;

export async function createInvitationAction(_previous: InvitationState, form: FormData): Promise<InvitationState> {
  const admin = await requireRole("ADMIN");
  const input = invitationSchema.safeParse(Object.fromEntries(form));
  if (!input.success) return invalidFields(input.error);
  // An id that names no campaign (forged, or deleted meanwhile) is a mistake in the form, not a crash.
  if (input.data.campaignId && !(await campaignExists(input.data.campaignId))) {
    return { status: "invalid", fields: ["campaignId"] };
  }
  const invitation = await createInvitation(admin.id, input.data);
  revalidatePath(PAGE);
  return { status: "ok", path: `/invite/${invitation.token}`, expiresAt: invitation.expiresAt.toISOString() };
}

export async function withdrawInvitationAction(form: FormData): Promise<void> {
  const admin = await requireRole("ADMIN");
  const id = z.uuid().safeParse(form.get("invitationId"));
  if (!id.success) return;
  await revokeInvitation(admin.id, id.data);
  revalidatePath(PAGE);
}

const signUpSchema = z
  .object({
    token: z.string().min(20).max(200),
    email: z.email().max(254),
    displayName: z.string().trim().min(1).max(100),
    password: z.string().min(MIN_PASSWORD_LENGTH).max(200),
    passwordConfirm: z.string(),
  })
  .refine((input) => input.password === input.passwordConfirm, { path: ["passwordConfirm"], message: "PASSWORD_MISMATCH" });

/** Signed up (with the e-mail to sign in with), the fields to look at again, or why the invitation does not take. */
export type SignUpState = ActionState<{ email: string }, "NOT_FOUND" | "EXPIRED" | "USED" | "REVOKED" | "EMAIL_TAKEN" | "EMAIL_MISMATCH">;

/** Public by design: the invitation token is the credential, checked and claimed in the domain call. */
export async function signUpAction(_previous: SignUpState, form: FormData): Promise<SignUpState> {
  const input = signUpSchema.safeParse(Object.fromEntries(form));
  if (!input.success) return invalidFields(input.error);
  const { token, email, displayName, password } = input.data;
  const result = await acceptInvitation(token, { email, displayName, password });
  return result.ok ? { status: "ok", email: result.email } : { status: "error", code: result.code };
}
