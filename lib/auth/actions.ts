"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { IDLE, type ActionState } from "@/lib/action-state";
import { createApiToken, revokeApiToken } from "./api-tokens";
import { requireRole } from "./session";

const PAGE = "/settings/tokens";

/** Created (with the token, shown this once), or refused. */
export type TokenState = ActionState<{ token: string; name: string }, "INVALID" | "NOT_FOUND">;

/** Creates a token for the caller; the token itself is returned once and never stored. */
export async function createTokenAction(_previous: TokenState, form: FormData): Promise<TokenState> {
  const user = await requireRole("RESEARCHER");
  const name = z.string().trim().min(1).max(100).safeParse(form.get("name"));
  if (!name.success) return { status: "error", code: "INVALID" };
  const { token } = await createApiToken(user.id, name.data);
  revalidatePath(PAGE);
  return { status: "ok", token, name: name.data };
}

/** Revokes one of the caller's own tokens. */
export async function revokeTokenAction(_previous: TokenState, form: FormData): Promise<TokenState> {
  const user = await requireRole("RESEARCHER");
  const id = z.uuid().safeParse(form.get("tokenId"));
  if (!id.success || !(await revokeApiToken(user.id, id.data))) return { status: "error", code: "NOT_FOUND" };
  revalidatePath(PAGE);
  return IDLE;
}
