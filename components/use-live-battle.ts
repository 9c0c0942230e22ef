"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { AssignmentView } from "@/lib/scheduling/view";
import type { StreamingBattle, VoidCause } from "./live-battle";
import { LiveTurnStream, type LiveRefusal, type LiveTurn } from "./live-turn-stream";

/**
 * A live campaign's battle on the voting page: sends a prompt (or a follow-up on the pair being
 * judged), streams both answers, and hands over the pair once they are in — or says why the
 * battle was void or the prompt refused. The open stream is closed when the page goes away, and
 * the server then stops both generations.
 */
export function useLiveBattle({
  campaignId,
  assignment,
  run,
  onAnswers,
  onVoid,
  onStreaming,
}: {
  campaignId: string;
  /** The pair being judged, which a follow-up continues. */
  assignment: AssignmentView | null;
  /** Runs one request at a time (the voting session's own guard). */
  run: (work: () => Promise<void>) => void;
  /** Both answers are in: the pair to vote on. */
  onAnswers: (view: AssignmentView) => void;
  /** The battle was void: the page asks for a prompt again. */
  onVoid: () => void;
  /** A battle started streaming: earlier errors no longer apply. */
  onStreaming: () => void;
}) {
  const [streaming, setStreaming] = useState<StreamingBattle | null>(null);
  const [voided, setVoided] = useState<VoidCause | null>(null);
  const [liveError, setLiveError] = useState<LiveRefusal | null>(null);
  const openStream = useRef<LiveTurnStream | null>(null);
  useEffect(() => () => openStream.current?.close(), []);

  /** Sends the turn and, once the server has taken it, shows its answers as they stream in. */
  const startStreaming = useCallback(
    async (turn: LiveTurn, battle: Omit<StreamingBattle, "stream">) => {
      const opened = await LiveTurnStream.open(turn);
      if (!opened.ok) {
        setLiveError(opened.code);
        return;
      }
      openStream.current = opened.stream;
      setLiveError(null);
      setVoided(null);
      onStreaming();
      setStreaming({ stream: opened.stream, ...battle });
    },
    [onStreaming],
  );

  const sendPrompt = useCallback(
    (prompt: string) => run(() => startStreaming({ campaignId, prompt }, { promptTurns: [prompt], leftTurns: [], rightTurns: [] })),
    [run, startStreaming, campaignId],
  );

  const sendFollowUp = useCallback(
    (prompt: string) => {
      if (!assignment) return;
      const before = assignment;
      run(() =>
        startStreaming(
          { assignmentId: before.id, prompt },
          { promptTurns: [...before.promptTurns, prompt], leftTurns: before.leftTurns, rightTurns: before.rightTurns },
        ),
      );
    },
    [assignment, run, startStreaming],
  );

  const answersReady = useCallback(
    (view: AssignmentView) => {
      setStreaming(null);
      onAnswers(view);
    },
    [onAnswers],
  );

  const answersVoid = useCallback(
    (cause: VoidCause | "network") => {
      setStreaming(null);
      if (cause === "network") setLiveError("NETWORK");
      else setVoided(cause);
      onVoid();
    },
    [onVoid],
  );

  return { streaming, voided, liveError, sendPrompt, sendFollowUp, answersReady, answersVoid };
}
