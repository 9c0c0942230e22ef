"use client";

import type { AssignmentView } from "@/lib/scheduling/view";
import { useI18n } from "./i18n-provider";
import { MarkdownText } from "./markdown-text";

function AnswerColumn({ label, turns, testId }: { label: string; turns: string[]; testId: string }) {
  const { t } = useI18n();
  return (
    <article className="card min-w-0 p-4" data-testid={testId}>
      <h2 className="mb-2 text-sm font-semibold text-slate-500">{label}</h2>
      {turns.map((turn, index) => (
        <div key={index} className={index > 0 ? "mt-4 border-t border-slate-100 pt-4" : undefined}>
          {turns.length > 1 && <p className="mb-1 text-xs font-medium text-slate-400">{t("voting.turn", { n: index + 1 })}</p>}
          <MarkdownText text={turn} />
        </div>
      ))}
    </article>
  );
}

/** The prompt (every turn) above the two anonymous answers: side by side, stacked on narrow screens. */
export function PairView({ assignment }: { assignment: AssignmentView }) {
  const { t } = useI18n();
  return (
    <div className="space-y-4">
      <section className="card p-4" data-testid="prompt">
        <h2 className="mb-2 text-sm font-semibold text-slate-500">{t("voting.prompt")}</h2>
        {assignment.promptTurns.map((turn, index) => (
          <div key={index} className={index > 0 ? "mt-3 border-t border-slate-100 pt-3" : undefined}>
            {assignment.promptTurns.length > 1 && (
              <p className="mb-1 text-xs font-medium text-slate-400">{t("voting.turn", { n: index + 1 })}</p>
            )}
            <MarkdownText text={turn} />
          </div>
        ))}
      </section>
      <div className="grid gap-4 md:grid-cols-2">
        <AnswerColumn label={t("voting.answerA")} turns={assignment.leftTurns} testId="answer-a" />
        <AnswerColumn label={t("voting.answerB")} turns={assignment.rightTurns} testId="answer-b" />
      </div>
    </div>
  );
}
