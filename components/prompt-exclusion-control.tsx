"use client";

import { useActionState } from "react";
import { setPromptExcludedAction, type PromptExclusionState } from "@/lib/prompts/actions";
import { useI18n } from "./i18n-provider";

/** Leave a prompt out (with an optional reason for the record) or take it back. */
export function PromptExclusionControl({
  campaignId,
  slug,
  promptId,
  externalId,
  excluded,
}: {
  campaignId: string;
  slug: string;
  promptId: string;
  externalId: string;
  excluded: boolean;
}) {
  const { t } = useI18n();
  const [state, action, pending] = useActionState<PromptExclusionState, FormData>(setPromptExcludedAction, { status: "idle" });
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="campaignId" value={campaignId} />
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="promptId" value={promptId} />
      <input type="hidden" name="excluded" value={excluded ? "false" : "true"} />
      {!excluded && (
        <input
          name="reason"
          maxLength={500}
          placeholder={t("prompts.reasonPlaceholder")}
          aria-label={t("prompts.reasonLabel", { id: externalId })}
          className="field w-40 py-1 text-xs"
        />
      )}
      <button type="submit" className="btn-secondary px-2 py-1 whitespace-nowrap" disabled={pending}>
        {excluded ? t("prompts.include") : t("prompts.exclude")}
      </button>
      {state.status === "error" && (
        <span role="alert" className="text-xs text-red-700">
          {t("prompts.notFound")}
        </span>
      )}
    </form>
  );
}
