"use client";

import { useEffect, useId, useRef, useState } from "react";
import type { AssignmentView } from "@/lib/scheduling/view";
import { useI18n } from "./i18n-provider";
import { PairView } from "./pair-view";

export type VoidCause = "error" | "timeout" | "empty" | "identity" | "cancelled";

/** A battle whose answers are on their way: what was said before this turn, and the new turn. */
export interface StreamingBattle {
  battleId: string;
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
 * Both answers as they stream in, side by side, from the battle's server-sent events. Closing the
 * page closes the stream, which stops both generations on the server.
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
  const [left, setLeft] = useState("");
  const [right, setRight] = useState("");
  // The stream outlives renders; it calls whatever handlers the latest render passed.
  const handlers = useRef({ onReady, onVoid });
  useEffect(() => {
    handlers.current = { onReady, onVoid };
  });

  useEffect(() => {
    const source = new EventSource(`/api/v1/live/battles/${encodeURIComponent(battle.battleId)}/events`);
    let finished = false;
    const finish = () => {
      finished = true;
      source.close();
    };
    source.addEventListener("delta", (event) => {
      const { side, text } = JSON.parse((event as MessageEvent<string>).data) as { side: "left" | "right"; text: string };
      (side === "left" ? setLeft : setRight)((current) => current + text);
    });
    source.addEventListener("reset", (event) => {
      const { side } = JSON.parse((event as MessageEvent<string>).data) as { side: "left" | "right" };
      (side === "left" ? setLeft : setRight)("");
    });
    source.addEventListener("ready", (event) => {
      finish();
      handlers.current.onReady((JSON.parse((event as MessageEvent<string>).data) as { assignment: AssignmentView }).assignment);
    });
    source.addEventListener("void", (event) => {
      finish();
      handlers.current.onVoid((JSON.parse((event as MessageEvent<string>).data) as { cause: VoidCause }).cause);
    });
    // EventSource would reconnect on its own; a battle's stream cannot be resumed, so end here.
    source.onerror = () => {
      if (finished) return;
      finish();
      handlers.current.onVoid("network");
    };
    return () => source.close();
  }, [battle.battleId]);

  return (
    <div className="space-y-2" aria-busy="true">
      <p role="status" className="text-sm text-slate-600" data-testid="live-generating">
        {t("voting.live.generating")}
      </p>
      <PairView
        assignment={{
          id: battle.battleId,
          promptTurns: battle.promptTurns,
          leftTurns: [...battle.leftTurns, left],
          rightTurns: [...battle.rightTurns, right],
          issuedAt: "",
        }}
      />
    </div>
  );
}
