"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { campaignExists } from "@/lib/campaigns/queries";
import { requireRole } from "@/lib/auth/session";
import { ROLES } from "@/lib/auth/roles";
import { createInvitation, revokeInvitation } from "@/lib/users/invitations";
import { changeRole, setDisabled } from "@/lib/users/users";

const PAGE = "/admin/users";
const roleSchema = z.enum(ROLES);

export type UserActionState = { status: "idle" | "ok" } | { status: "error"; code: "SELF" | "LAST_ADMIN" | "NOT_FOUND" | "INVALID" };

const roleChangeSchema = z.object({ userId: z.uuid(), role: roleSchema });

export async function changeUserRole(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const admin = await requireRole("ADMIN");
  const input = roleChangeSchema.safeParse(Object.fromEntries(form));
  if (!input.success) return { status: "error", code: "INVALID" };
  const result = await changeRole(admin.id, input.data.userId, input.data.role);
  if (!result.ok) return { status: "error", code: result.code };
  revalidatePath(PAGE);
  return { status: "ok" };
}

const disableSchema = z.object({ userId: z.uuid(), disabled: z.enum(["true", "false"]).transform((v) => v === "true") });

export async function setUserDisabled(_previous: UserActionState, form: FormData): Promise<UserActionState> {
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

export type InvitationState =
  { status: "idle" } | { status: "invalid"; fields: string[] } | { status: "ok"; path: string; expiresAt: string };

export async function createInvitationLink(_previous: InvitationState, form: FormData): Promise<InvitationState> {
  const admin = await requireRole("ADMIN");
  const input = invitationSchema.safeParse(Object.fromEntries(form));
  if (!input.success) return { status: "invalid", fields: Object.keys(z.flattenError(input.error).fieldErrors) };
  // An id that names no campaign (forged, or deleted meanwhile) is a mistake in the form, not a crash.
  if (input.data.campaignId && !(await campaignExists(input.data.campaignId))) {
    return { status: "invalid", fields: ["campaignId"] };
  }
  const invitation = await createInvitation(admin.id, input.data);
  revalidatePath(PAGE);
  return { status: "ok", path: `/invite/${invitation.token}`, expiresAt: invitation.expiresAt.toISOString() };
}

export async function withdrawInvitation(form: FormData): Promise<void> {
  const admin = await requireRole("ADMIN");
  const id = z.uuid().safeParse(form.get("invitationId"));
  if (!id.success) return;
  await revokeInvitation(admin.id, id.data);
  revalidatePath(PAGE);
}
