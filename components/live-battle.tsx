"use client";

import { useEffect, useId, useRef, useState, useSyncExternalStore } from "react";
import type { AssignmentView } from "@/lib/scheduling/view";
import type { LiveTurnStream, VoidCause } from "./live-turn-stream";
import { useI18n } from "./i18n-provider";
import { PairView } from "./pair-view";

export type { VoidCause };

/** A battle whose answers are on their way: what was said before this turn, and the new turn. */
export interface StreamingBattle {
  stream: LiveTurnStream;
  promptTurns: string[];
  leftTurns: string[];
  rightTurns: string[];
}

/** The box an annotator writes a live prompt (or a follow-up) in. */
export function LivePromptForm({
  label,
  hint,
  submitLabel,
  maxChars,
  disabled,
  onSubmit,
  testId,
}: {
  label: string;
  hint?: string;
  submitLabel: string;
  maxChars: number;
  disabled: boolean;
  onSubmit: (prompt: string) => void;
  testId: string;
}) {
  const [prompt, setPrompt] = useState("");
  const hintId = useId();
  return (
    <form
      className="card space-y-2 p-4"
      data-testid={testId}
      onSubmit={(event) => {
        event.preventDefault();
        if (prompt.trim()) onSubmit(prompt);
      }}
    >
      <label className="block text-sm font-medium">
        {label}
        <textarea
          className="field mt-1"
          rows={4}
          maxLength={maxChars}
          value={prompt}
          onChange={(event) => setPrompt(event.target.value)}
          aria-describedby={hint ? hintId : undefined}
          name="prompt"
        />
      </label>
      {hint && (
        <p id={hintId} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
      <button type="submit" className="btn-primary" disabled={disabled || !prompt.trim()}>
        {submitLabel}
      </button>
    </form>
  );
}

/**
 * Both answers as they stream in, side by side. The stream belongs to the voting session, which
 * closes it when the page goes away — which stops both generations on the server.
 */
export function LiveStream({
  battle,
  onReady,
  onVoid,
}: {
  battle: StreamingBattle;
  onReady: (assignment: AssignmentView) => void;
  onVoid: (cause: VoidCause | "network") => void;
}) {
  const { t } = useI18n();
  const { stream } = battle;
  const answers = useSyncExternalStore(stream.subscribe, stream.snapshot, stream.snapshot);
  // The end is handed on once, to whatever handlers the latest render passed.
  const handlers = useRef({ onReady, onVoid });
  useEffect(() => {
    handlers.current = { onReady, onVoid };
  });
  const { end } = answers;
  useEffect(() => {
    if (!end || !stream.takeEnd()) return;
    if (end.type === "ready") handlers.current.onReady(end.assignment);
    else handlers.current.onVoid(end.cause);
  }, [end, stream]);

  return (
    <div className="space-y-2" aria-busy="true">
      <p role="status" className="text-sm text-slate-600" data-testid="live-generating">
        {t("voting.live.generating")}
      </p>
      <PairView
        assignment={{
          id: "live",
          promptTurns: battle.promptTurns,
          leftTurns: [...battle.leftTurns, answers.left],
          rightTurns: [...battle.rightTurns, answers.right],
          issuedAt: "",
        }}
      />
    </div>
  );
}
