"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionState } from "@/lib/action-state";
import { requireRole } from "@/lib/auth/session";
import { canResearchCampaign } from "@/lib/campaigns/access";
import { slugSchema } from "@/lib/campaigns/settings";
import { addEndpoint, endpointInputSchema, setEndpointEnabled, testConnection, type ConnectionTest } from "./endpoints";
import { MissingEncryptionKey } from "./secrets";

/**
 * Added (with the worker token, shown once, for a pulled model), or refused; URL_REFUSED names the
 * internal host and its kind of address that the operator has not allowed (lib/net).
 */
export type AddModelState = ActionState<
  { model: string; workerToken: string | null },
  "NOT_FOUND" | "NOT_LIVE" | "DUPLICATE" | "NO_ENCRYPTION_KEY" | "URL_REFUSED",
  { host: string; kind: string }
>;

const target = z.object({ campaignId: z.uuid(), slug: slugSchema });

/** Reads the add-model form: empty fields are absent, numbers and the parameters' JSON are parsed here. */
function endpointFromForm(form: FormData) {
  const text = (name: string) => {
    const value = String(form.get(name) ?? "").trim();
    return value === "" ? undefined : value;
  };
  let params: unknown = undefined;
  const paramsText = text("params");
  if (paramsText) {
    try {
      params = JSON.parse(paramsText);
    } catch {
      params = "not JSON";
    }
  }
  const number = (name: string) => (text(name) === undefined ? undefined : Number(text(name)));
  return endpointInputSchema.safeParse({
    name: text("name"),
    kind: form.get("kind"),
    baseUrl: form.get("kind") === "PUSHED" ? text("baseUrl") : undefined,
    apiModel: form.get("kind") === "PUSHED" ? text("apiModel") : undefined,
    apiKey: form.get("kind") === "PUSHED" ? text("apiKey") : undefined,
    systemPrompt: String(form.get("systemPrompt") ?? ""),
    params,
    concurrency: number("concurrency"),
    timeoutSeconds: number("timeoutSeconds"),
  });
}

export async function addModelAction(_previous: AddModelState, form: FormData): Promise<AddModelState> {
  const user = await requireRole("RESEARCHER");
  const where = target.safeParse({ campaignId: form.get("campaignId"), slug: form.get("slug") });
  if (!where.success || !(await canResearchCampaign(user, where.data.campaignId))) return { status: "error", code: "NOT_FOUND" };
  const input = endpointFromForm(form);
  if (!input.success)
    return { status: "invalid", fields: [...new Set(input.error.issues.map((issue) => String(issue.path[0] ?? "name")))] };
  try {
    const result = await addEndpoint(user.id, where.data.campaignId, input.data);
    if (!result.ok)
      return result.code === "URL_REFUSED"
        ? { status: "error", code: "URL_REFUSED", details: { host: result.host, kind: result.kind } }
        : { status: "error", code: result.code };
    revalidatePath(`/campaigns/${where.data.slug}`);
    return { status: "ok", model: input.data.name, workerToken: result.workerToken };
  } catch (error) {
    if (error instanceof MissingEncryptionKey) return { status: "error", code: "NO_ENCRYPTION_KEY" };
    throw error;
  }
}

const endpointTarget = z.object({ campaignId: z.uuid(), endpointId: z.uuid() });

/** "Test connection": latency to the first token and the beginning of a short answer. */
export async function testModelAction(input: z.input<typeof endpointTarget>): Promise<ConnectionTest> {
  const user = await requireRole("RESEARCHER");
  const parsed = endpointTarget.safeParse(input);
  if (!parsed.success || !(await canResearchCampaign(user, parsed.data.campaignId)))
    return { ok: false, code: "NOT_FOUND", error: "no such model in this campaign" };
  return testConnection(parsed.data.campaignId, parsed.data.endpointId);
}

const enableSchema = target.extend({ endpointId: z.uuid(), enabled: z.enum(["true", "false"]) });

export async function setModelEnabledAction(form: FormData): Promise<void> {
  const user = await requireRole("RESEARCHER");
  const input = enableSchema.safeParse(Object.fromEntries(form));
  if (!input.success || !(await canResearchCampaign(user, input.data.campaignId))) return;
  await setEndpointEnabled(user.id, input.data.campaignId, input.data.endpointId, input.data.enabled === "true");
  revalidatePath(`/campaigns/${input.data.slug}`);
}
