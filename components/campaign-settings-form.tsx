"use client";

import { useActionState } from "react";
import { updateSettingsAction, type CampaignFormState } from "@/lib/campaigns/actions";
import { CORRECTION_POLICIES, OUTCOMES, REASON_POLICIES, STOP_TARGETS, STRATEGIES } from "@/lib/campaigns/options";
import type { CampaignDetail } from "@/lib/campaigns/queries";
import { FormResult } from "./form-error";
import { useI18n } from "./i18n-provider";

/** A live campaign's numeric limits, with the bounds of liveLimitsSchema (lib/campaigns/settings.ts). */
const LIVE_NUMBER_FIELDS = [
  { name: "liveMaxTurns", min: 1, max: 20 },
  { name: "livePromptsPerHour", min: 1, max: 10_000 },
  { name: "livePromptMaxChars", min: 100, max: 100_000 },
] as const;

export function CampaignSettingsForm({ campaign }: { campaign: CampaignDetail }) {
  const { t } = useI18n();
  const [state, action, pending] = useActionState<CampaignFormState, FormData>(updateSettingsAction, { status: "idle" });
  return (
    <form action={action} className="grid gap-4 md:grid-cols-2">
      <input type="hidden" name="campaignId" value={campaign.id} />
      <label className="text-sm font-medium">
        {t("campaignPage.fields.name")}
        <input name="name" defaultValue={campaign.name} required maxLength={200} className="field" />
      </label>
      <label className="text-sm font-medium">
        {t("campaignPage.fields.language")}
        <select name="language" defaultValue={campaign.language} className="field">
          <option value="ja">日本語</option>
          <option value="en">English</option>
        </select>
      </label>
      <label className="text-sm font-medium md:col-span-2">
        {t("campaignPage.fields.instructions")}
        <textarea name="instructions" defaultValue={campaign.instructions} rows={5} className="field font-mono" />
      </label>
      <fieldset className="text-sm md:col-span-2">
        <legend className="font-medium">{t("campaignPage.fields.allowedOutcomes")}</legend>
        <div className="mt-1 flex flex-wrap gap-4">
          {OUTCOMES.map((outcome) => (
            <label key={outcome} className="flex items-center gap-1">
              <input
                type="checkbox"
                name="allowedOutcomes"
                value={outcome}
                defaultChecked={campaign.allowedOutcomes.includes(outcome)}
                disabled={outcome === "LEFT" || outcome === "RIGHT"}
              />
              {t(`voting.outcomes.${outcome}`)}
            </label>
          ))}
          {/* A and B are always allowed; disabled checkboxes are not submitted, so send them here. */}
          <input type="hidden" name="allowedOutcomes" value="LEFT" />
          <input type="hidden" name="allowedOutcomes" value="RIGHT" />
        </div>
      </fieldset>
      <label className="text-sm font-medium">
        {t("campaignPage.fields.reasonPolicy")}
        <select name="reasonPolicy" defaultValue={campaign.reasonPolicy} className="field">
          {REASON_POLICIES.map((policy) => (
            <option key={policy} value={policy}>
              {t(`campaignPage.reasonPolicies.${policy}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm font-medium">
        {t("campaignPage.fields.correctionPolicy")}
        <select name="correctionPolicy" defaultValue={campaign.correctionPolicy} className="field">
          {CORRECTION_POLICIES.map((policy) => (
            <option key={policy} value={policy}>
              {t(`campaignPage.correctionPolicies.${policy}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm font-medium">
        {t("campaignPage.fields.strategy")}
        <select name="strategy" defaultValue={campaign.strategy} className="field">
          {STRATEGIES.map((strategy) => (
            <option key={strategy} value={strategy}>
              {t(`campaignPage.strategies.${strategy}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm font-medium">
        {t("stopTarget.kind")}
        <select name="stopTarget" defaultValue={campaign.stopTarget ?? ""} className="field">
          <option value="">{t("stopTarget.kinds.none")}</option>
          {STOP_TARGETS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`stopTarget.kinds.${kind}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm font-medium">
        {t("stopTarget.value")}
        <input name="stopTargetValue" type="number" min={0} step="any" defaultValue={campaign.stopTargetValue ?? ""} className="field" />
      </label>
      <label className="text-sm font-medium">
        {t("campaignPage.fields.targetVotesPerItem")}
        <input name="targetVotesPerItem" type="number" min={1} max={1000} defaultValue={campaign.targetVotesPerItem} className="field" />
      </label>
      <label className="text-sm font-medium">
        {t("campaignPage.fields.dailyCapPerAnnotator")}
        <input
          name="dailyCapPerAnnotator"
          type="number"
          min={1}
          defaultValue={campaign.dailyCapPerAnnotator ?? ""}
          placeholder={t("campaignPage.noCap")}
          className="field"
        />
      </label>
      <label className="text-sm font-medium">
        {t("campaignPage.fields.minSecondsPerVote")}
        <input
          name="minSecondsPerVote"
          type="number"
          min={1}
          max={3600}
          defaultValue={campaign.minSecondsPerVote ?? ""}
          placeholder={t("campaignPage.noMinimum")}
          className="field"
        />
        <span className="mt-1 block text-xs font-normal text-slate-500">{t("campaignPage.minSecondsPerVoteHint")}</span>
      </label>
      <label className="text-sm font-medium">
        {t("campaignPage.fields.assignmentTtlSeconds")}
        <input
          name="assignmentTtlMinutes"
          type="number"
          min={1}
          max={10080}
          defaultValue={Math.round(campaign.assignmentTtlSeconds / 60)}
          className="field"
        />
      </label>
      <label className="flex items-center gap-2 text-sm font-medium">
        <input type="checkbox" name="revealModelsAfterVote" defaultChecked={campaign.revealModelsAfterVote} />
        {t("campaignPage.fields.revealModelsAfterVote")}
      </label>
      <label className="text-sm font-medium md:col-span-2">
        {t("campaignPage.fields.identityWords")}
        <textarea
          name="identityWords"
          defaultValue={campaign.identityWords.join("\n")}
          rows={3}
          className="field"
          placeholder="GPT-4, OpenAI, Claude, Anthropic, 東大"
        />
        <span className="mt-1 block text-xs font-normal text-slate-500">{t("campaignPage.identityWordsHint")}</span>
      </label>
      {campaign.live && (
        <fieldset className="grid gap-4 text-sm md:col-span-2 md:grid-cols-3" data-testid="live-limits">
          <legend className="font-medium">{t("campaignPage.liveLimits")}</legend>
          {LIVE_NUMBER_FIELDS.map(({ name, min, max }) => (
            <label key={name} className="font-medium">
              {t(`campaignPage.fields.${name}`)}
              <input name={name} type="number" min={min} max={max} defaultValue={campaign[name]} className="field" />
            </label>
          ))}
          <label className="font-medium md:col-span-3">
            {t("campaignPage.fields.moderationWords")}
            <textarea name="moderationWords" defaultValue={campaign.moderationWords.join("\n")} rows={3} className="field" />
            <span className="mt-1 block text-xs font-normal text-slate-500">{t("campaignPage.moderationWordsHint")}</span>
          </label>
        </fieldset>
      )}
      <div className="flex items-center gap-3 md:col-span-2">
        <button type="submit" className="btn-primary" disabled={pending}>
          {t("campaignPage.save")}
        </button>
        <FormResult state={state} savedText={t("campaignPage.saved")} />
      </div>
    </form>
  );
}
