"use client";

import { useId, useState } from "react";
import { useI18n } from "./i18n-provider";
import { MarkdownText } from "./markdown-text";

/** A Markdown editor with a rendered preview for an annotator's own better answer. */
export function CorrectionEditor({
  value,
  onChange,
  label,
  autoFocus = false,
}: {
  value: string;
  onChange: (value: string) => void;
  label: string;
  autoFocus?: boolean;
}) {
  const { t } = useI18n();
  const [tab, setTab] = useState<"write" | "preview">("write");
  const id = useId();
  return (
    <div className="space-y-2" data-testid="correction-editor">
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={`${id}-text`} className="text-sm font-medium">
          {label}
        </label>
        <div role="tablist" aria-label={label} className="flex gap-1 text-xs">
          {(["write", "preview"] as const).map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              aria-controls={`${id}-${name}`}
              className={tab === name ? "rounded bg-indigo-100 px-2 py-1 font-medium text-indigo-800" : "rounded px-2 py-1 text-slate-600"}
              onClick={() => setTab(name)}
            >
              {t(`voting.correction.${name}`)}
            </button>
          ))}
        </div>
      </div>
      <div id={`${id}-write`} role="tabpanel" hidden={tab !== "write"}>
        <textarea
          id={`${id}-text`}
          name="correctedAnswer"
          className="field font-mono"
          rows={8}
          maxLength={20_000}
          value={value}
          autoFocus={autoFocus}
          onChange={(event) => onChange(event.target.value)}
        />
      </div>
      <div
        id={`${id}-preview`}
        role="tabpanel"
        hidden={tab !== "preview"}
        className="min-h-24 rounded border border-slate-200 p-3"
        data-testid="correction-preview"
      >
        {value.trim() ? <MarkdownText text={value} /> : <p className="text-sm text-slate-600">{t("voting.correction.empty")}</p>}
      </div>
    </div>
  );
}
