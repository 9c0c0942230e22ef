import { getTranslator } from "@/lib/i18n/server";
import type { Disagreement } from "@/lib/judges/disagreements";
import { MarkdownText } from "./markdown-text";

/** One side's answers to the judged turns. */
function Answers({ label, answers }: { label: string; answers: string[] }) {
  return (
    <section className="min-w-0 space-y-2 rounded border border-slate-200 p-3">
      <h4 className="text-sm font-semibold">{label}</h4>
      {answers.map((answer, i) => (
        <div key={i} className="break-words text-sm">
          <MarkdownText text={answer} />
        </div>
      ))}
    </section>
  );
}

/** The judge's verdicts the annotators contradict, each opened to read the prompt, both answers, the votes and the judge's explanation. */
export async function JudgeDisagreements({ judge, total, shown }: { judge: string; total: number; shown: Disagreement[] }) {
  const t = await getTranslator();
  if (total === 0) return <p className="text-sm text-slate-600">{t("judges.noDisagreements", { judge })}</p>;
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">{t("judges.disagreementsIntro", { total })}</p>
      <ul className="space-y-2">
        {shown.map((d) => (
          <li key={d.verdictId}>
            <details className="rounded border border-slate-200" data-testid="disagreement">
              <summary className="cursor-pointer px-3 py-2 text-sm">
                <span className="font-medium">{t("judges.question", { question: d.question, turn: d.turn })}</span>
                {d.category && <span className="text-slate-600"> · {d.category}</span>} · {d.modelA.name} / {d.modelB.name} ·{" "}
                <span className="text-red-800">{t("judges.contradicted", { n: d.contradicted })}</span>
              </summary>
              <div className="space-y-3 border-t border-slate-200 p-3">
                <p className="text-sm">
                  <strong>{t("judges.judgeSaid", { judge, verdict: t(`judges.verdict.${d.judge}`) })}</strong>
                  {d.inconsistent && <> {t("judges.inconsistent")}</>}
                  <br />
                  {t("judges.humansSaid", { a: d.humans.modelA, b: d.humans.modelB, tie: d.humans.tie })}
                </p>
                {d.prompt.map((turn, i) => (
                  <div key={i} className="rounded bg-slate-50 p-3 text-sm">
                    <h4 className="text-xs font-semibold text-slate-600">{t("judges.userTurn", { n: i + 1 })}</h4>
                    <MarkdownText text={turn} />
                  </div>
                ))}
                <div className="grid gap-3 md:grid-cols-2">
                  <Answers label={t("judges.answerOf", { side: "A", model: d.modelA.name })} answers={d.modelA.answers} />
                  <Answers label={t("judges.answerOf", { side: "B", model: d.modelB.name })} answers={d.modelB.answers} />
                </div>
                {[
                  [t("judges.explanation"), d.explanation],
                  [t("judges.explanationSwapped"), d.explanationSwapped],
                ].map(
                  ([label, text]) =>
                    text && (
                      <div key={label} className="text-sm">
                        <h4 className="text-xs font-semibold text-slate-600">{label}</h4>
                        <p className="whitespace-pre-wrap break-words">{text}</p>
                      </div>
                    ),
                )}
              </div>
            </details>
          </li>
        ))}
      </ul>
    </div>
  );
}
