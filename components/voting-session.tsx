"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState, useTransition } from "react";
import type { VotingCampaign } from "@/lib/campaigns/queries";
import type { AssignmentView, NextAssignment, Progress } from "@/lib/scheduling/view";
import type { VotingRefusal } from "@/lib/votes/vote-request";
import { useI18n } from "./i18n-provider";
import { CorrectionEditor } from "./correction-editor";
import { LivePromptForm, LiveStream } from "./live-battle";
import { MarkdownText } from "./markdown-text";
import { PairView } from "./pair-view";
import { postNextPair, postSkip, postVote } from "./voting-api";
import { ProgressBar } from "./progress-bar";
import { useLiveBattle } from "./use-live-battle";

type Outcome = VotingCampaign["allowedOutcomes"][number];

const SHORTCUTS: Record<Outcome, string> = { LEFT: "1", RIGHT: "2", TIE: "3", BOTH_BAD: "4", BOTH_GOOD: "5" };
const SKIP_KEY = "s";
const INSTRUCTIONS_KEY = "i";

// A pair must be on screen this long before a vote counts: a double click or a repeated key
// would otherwise land on the next pair, unseen.
const MIN_VIEW_MS = 500;

type ErrorCode = VotingRefusal | "NETWORK";

/** Errors the annotator mends on the same pair (or by slowing down): no "new pair" button for them. */
const STAY_ON_PAIR: ReadonlySet<ErrorCode> = new Set(["REASON_REQUIRED", "OUTCOME_NOT_ALLOWED", "CORRECTION_REQUIRED", "RATE_LIMITED"]);

/**
 * One annotator's voting loop: shows a pair, takes a vote by button or key, and swaps in the
 * next pair returned with the vote, without reloading the page.
 */
export function VotingSession({ campaign, initial }: { campaign: VotingCampaign; initial: NextAssignment }) {
  const { t } = useI18n();
  const [state, setState] = useState<NextAssignment>(initial);
  const [revealed, setRevealed] = useState<{ left: string; right: string; next: NextAssignment } | null>(null);
  const [error, setError] = useState<ErrorCode | null>(null);
  const [reason, setReason] = useState("");
  const [identityLeak, setIdentityLeak] = useState(false);
  const [correction, setCorrection] = useState("");
  const [writingCorrection, setWritingCorrection] = useState(false);
  const [showInstructions, setShowInstructions] = useState(false);
  const [saved, setSaved] = useState(0);
  const [pending, startTransition] = useTransition();
  const [ready, setReady] = useState(false);
  const shownAt = useRef(0);
  const inFlight = useRef(false);

  const assignment = state.status === "assigned" ? state.assignment : null;
  // The clock for "time taken" starts when a pair is on screen; voting opens a moment later.
  useEffect(() => {
    shownAt.current = performance.now();
    const timer = setTimeout(() => setReady(true), MIN_VIEW_MS);
    return () => clearTimeout(timer);
  }, [assignment?.id]);

  const show = useCallback((next: NextAssignment) => {
    setReady(false);
    setState(next);
    setError(null);
    setReason("");
    setIdentityLeak(false);
    setCorrection("");
    setWritingCorrection(false);
    window.scrollTo({ top: 0 });
  }, []);

  const run = useCallback(
    (work: () => Promise<void>) => {
      // One request at a time: a double click or key repeat must not send a second vote.
      if (inFlight.current) return;
      inFlight.current = true;
      startTransition(async () => {
        try {
          await work();
        } catch {
          setError("NETWORK");
        } finally {
          inFlight.current = false;
        }
      });
    },
    [startTransition],
  );

  const vote = useCallback(
    (outcome: Outcome) => {
      if (!assignment || revealed || !ready) return;
      if (campaign.reasonPolicy === "REQUIRED" && !reason.trim()) {
        setError("REASON_REQUIRED");
        return;
      }
      // "Both bad" in a campaign that wants the annotator's own answer opens the editor first.
      if (campaign.correctionPolicy === "REQUIRED_AFTER_BOTH_BAD" && outcome === "BOTH_BAD" && !correction.trim()) {
        setWritingCorrection(true);
        setError("CORRECTION_REQUIRED");
        return;
      }
      const durationMs = Math.round(performance.now() - shownAt.current);
      const correctedAnswer = campaign.correctionPolicy !== "OFF" && correction.trim() ? correction : undefined;
      run(async () => {
        const result = await postVote({
          assignmentId: assignment.id,
          outcome,
          reason: reason || undefined,
          correctedAnswer,
          identityLeak,
          durationMs,
        });
        if (!result.ok) {
          setError(result.code);
          return;
        }
        setSaved((n) => n + 1);
        if (result.revealed) setRevealed({ ...result.revealed, next: result.next });
        else show(result.next);
      });
    },
    [assignment, revealed, ready, campaign.reasonPolicy, campaign.correctionPolicy, reason, correction, identityLeak, run, show],
  );

  const skip = useCallback(() => {
    if (!assignment || revealed || !ready) return;
    run(async () => {
      const result = await postSkip(assignment.id);
      if (!result.ok) setError(result.code);
      else show(result.next);
    });
  }, [assignment, revealed, ready, run, show]);

  const continueAfterReveal = useCallback(() => {
    if (!revealed) return;
    show(revealed.next);
    setRevealed(null);
  }, [revealed, show]);

  const reload = useCallback(
    () =>
      run(async () => {
        const result = await postNextPair(campaign.id);
        if (!result.ok) setError(result.code);
        else show(result.next);
      }),
    [run, show, campaign.id],
  );

  // Live mode: both answers in is a pair to vote on; a void battle asks for a prompt again.
  const answersIn = useCallback(
    (view: AssignmentView) => show({ status: "assigned", assignment: view, progress: progressOf(state) }),
    [show, state],
  );
  const battleVoid = useCallback(() => setState({ status: "live", progress: progressOf(state) }), [state]);
  const clearError = useCallback(() => setError(null), []);
  const live = useLiveBattle({
    campaignId: campaign.id,
    assignment,
    run,
    onAnswers: answersIn,
    onVoid: battleVoid,
    onStreaming: clearError,
  });
  const { streaming, voided, liveError } = live;

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const target = event.target as HTMLElement | null;
      if (event.ctrlKey || event.metaKey || event.altKey || target?.closest("textarea, input, select")) return;
      const key = event.key.toLowerCase();
      if (revealed && (key === "enter" || key === " ")) {
        event.preventDefault();
        continueAfterReveal();
        return;
      }
      const outcome = campaign.allowedOutcomes.find((o) => SHORTCUTS[o] === key);
      if (outcome) vote(outcome);
      else if (key === SKIP_KEY) skip();
      else if (key === INSTRUCTIONS_KEY) setShowInstructions((open) => !open);
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [campaign.allowedOutcomes, vote, skip, revealed, continueAfterReveal]);

  const progress = "progress" in state ? state.progress : null;
  const inBattle = Boolean(streaming) || pending;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-4">
        <h2 className="text-lg font-semibold">{campaign.name}</h2>
        {campaign.instructions && (
          <button
            type="button"
            className="btn-secondary px-3 py-1"
            onClick={() => setShowInstructions((open) => !open)}
            aria-expanded={showInstructions}
          >
            {t("voting.instructions")} <kbd className="ml-1 text-xs text-slate-500">I</kbd>
          </button>
        )}
        {progress && <VotingProgress progress={progress} live={campaign.live} />}
      </div>

      {showInstructions && (
        <div className="card p-4" data-testid="instructions">
          <MarkdownText text={campaign.instructions} />
        </div>
      )}

      <p aria-live="polite" className="sr-only">
        {saved > 0 ? t("voting.saved", { n: saved }) : ""}
      </p>

      {error && (
        <div role="alert" className="flex flex-wrap items-center gap-3 rounded bg-red-50 px-3 py-2 text-sm text-red-700">
          {t(`voting.errors.${error}`)}
          {!STAY_ON_PAIR.has(error) && (
            <button type="button" className="btn-secondary px-2 py-1" onClick={error === "NETWORK" ? () => setError(null) : reload}>
              {error === "NETWORK" ? t("voting.retry") : t("voting.newPair")}
            </button>
          )}
        </div>
      )}

      {revealed && (
        <div className="card flex flex-wrap items-center gap-3 border-indigo-200 bg-indigo-50 p-4" data-testid="revealed">
          <p>{t("voting.revealed", { left: revealed.left, right: revealed.right })}</p>
          <button type="button" className="btn-primary" onClick={continueAfterReveal} autoFocus>
            {t("voting.next")} <kbd className="ml-1 text-xs opacity-80">Enter</kbd>
          </button>
        </div>
      )}

      {liveError && (
        <div role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="live-error">
          {t(`voting.live.errors.${liveError}`)}
        </div>
      )}

      {streaming && <LiveStream battle={streaming} onReady={live.answersReady} onVoid={live.answersVoid} />}

      {!streaming && state.status === "live" && !revealed && (
        <>
          {voided && (
            <p role="status" className="rounded bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="live-voided">
              {t(`voting.live.voided.${voided}`)}
            </p>
          )}
          <LivePromptForm
            label={t("voting.live.promptLabel")}
            hint={t("voting.live.promptHint")}
            submitLabel={t("voting.live.send")}
            maxChars={campaign.livePromptMaxChars}
            disabled={inBattle}
            onSubmit={live.sendPrompt}
            testId="live-prompt"
          />
        </>
      )}

      {!streaming && state.status === "assigned" && assignment && (
        <>
          <PairView assignment={assignment} />
          <div className="card space-y-3 p-4">
            <div className="flex flex-wrap gap-2" role="group" aria-label={t("voting.choose")}>
              {campaign.allowedOutcomes.map((outcome) => (
                <button
                  key={outcome}
                  type="button"
                  className={outcome === "LEFT" || outcome === "RIGHT" ? "btn-primary" : "btn-secondary"}
                  disabled={pending || !ready || Boolean(revealed)}
                  onClick={() => vote(outcome)}
                  data-testid={`vote-${outcome}`}
                >
                  {t(`voting.outcomes.${outcome}`)}
                  <kbd className="ml-2 rounded bg-black/10 px-1 text-xs">{SHORTCUTS[outcome]}</kbd>
                </button>
              ))}
              <button
                type="button"
                className="btn-secondary ml-auto"
                disabled={pending || Boolean(revealed)}
                onClick={skip}
                data-testid="skip"
              >
                {t("voting.skip")} <kbd className="ml-2 rounded bg-black/10 px-1 text-xs">S</kbd>
              </button>
            </div>
            {campaign.reasonPolicy !== "HIDDEN" && (
              <label className="block text-sm">
                {campaign.reasonPolicy === "REQUIRED" ? t("voting.reasonRequired") : t("voting.reasonOptional")}
                <textarea
                  className="field"
                  rows={2}
                  maxLength={2000}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  name="reason"
                />
              </label>
            )}
            {campaign.correctionPolicy !== "OFF" &&
              (writingCorrection ? (
                <CorrectionEditor
                  value={correction}
                  onChange={setCorrection}
                  autoFocus={error === "CORRECTION_REQUIRED"}
                  label={
                    campaign.correctionPolicy === "REQUIRED_AFTER_BOTH_BAD"
                      ? t("voting.correction.labelRequiredAfterBothBad")
                      : t("voting.correction.labelOptional")
                  }
                />
              ) : (
                <button
                  type="button"
                  className="btn-secondary px-3 py-1"
                  onClick={() => setWritingCorrection(true)}
                  data-testid="write-correction"
                >
                  {t("voting.correction.open")}
                </button>
              ))}
            <label className="flex items-center gap-2 text-sm text-slate-600">
              <input type="checkbox" checked={identityLeak} onChange={(e) => setIdentityLeak(e.target.checked)} />
              {t("voting.identityLeak")}
            </label>
          </div>
          {campaign.live && !revealed && assignment.promptTurns.length < campaign.liveMaxTurns && (
            <LivePromptForm
              key={assignment.id}
              label={t("voting.live.followUpLabel", { n: assignment.promptTurns.length + 1, max: campaign.liveMaxTurns })}
              submitLabel={t("voting.live.followUp")}
              maxChars={campaign.livePromptMaxChars}
              disabled={inBattle}
              onSubmit={live.sendFollowUp}
              testId="live-follow-up"
            />
          )}
        </>
      )}

      {state.status === "done" && !revealed && <EndMessage text={t("voting.done")} />}
      {state.status === "capReached" && !revealed && <EndMessage text={t("voting.capReached")} />}
      {(state.status === "notOpen" || state.status === "notMember") && !revealed && <EndMessage text={t("voting.notOpen")} />}
    </div>
  );
}

function progressOf(state: NextAssignment): Progress {
  return "progress" in state ? state.progress : { campaignVotes: 0, campaignTarget: 0, todayVotes: 0, dailyCap: null };
}

function EndMessage({ text }: { text: string }) {
  const { t } = useI18n();
  return (
    <div className="card text-center" data-testid="end-message">
      <p>{text}</p>
      <Link href="/vote" className="btn-secondary mt-4">
        {t("voting.backToCampaigns")}
      </Link>
    </div>
  );
}

/** How far the campaign and the annotator's day have come (live battles have no fixed number of pairs to reach). */
function VotingProgress({ progress, live }: { progress: Progress; live: boolean }) {
  const { t } = useI18n();
  return (
    <div className="flex flex-1 flex-wrap gap-4">
      {!live && (
        <ProgressBar
          label={t("voting.campaignProgress")}
          value={Math.min(progress.campaignVotes, progress.campaignTarget)}
          max={progress.campaignTarget}
          testId="campaign-progress"
        />
      )}
      {progress.dailyCap !== null ? (
        <ProgressBar label={t("voting.todayProgress")} value={progress.todayVotes} max={progress.dailyCap} testId="daily-progress" />
      ) : (
        <p className="text-xs text-slate-600" data-testid="today-count">
          {t("voting.todayCount", { n: progress.todayVotes })}
        </p>
      )}
    </div>
  );
}
