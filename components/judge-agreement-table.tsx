import { ColumnHeads } from "@/components/column-heads";
import { ScrollRegion } from "@/components/scroll-region";
import { getTranslator } from "@/lib/i18n/server";
import type { JudgeReport } from "@/lib/judges/agreement";
import type { AgreementCount, TurnAgreement } from "@/lib/ratings/judge-agreement";

const percent = (value: number) => `${(value * 100).toFixed(0)}%`;

/** Each judge against the annotators and the annotators against each other, per turn: ratios with their intervals, κ and consistency. */
export async function JudgeAgreementTable({ judges, humans }: { judges: JudgeReport[]; humans: TurnAgreement[] }) {
  const t = await getTranslator();
  const count = (c: AgreementCount) =>
    c.total === 0 ? (
      t("judges.none")
    ) : (
      <>
        <span className="font-medium">{t("judges.ratio", { ratio: percent(c.ratio), agree: c.agree, total: c.total })}</span>
        <br />
        <span className="text-xs text-slate-600">{t("judges.interval", { low: percent(c.ciLow), high: percent(c.ciHigh) })}</span>
      </>
    );
  const rows = [
    ...judges.map((judge) => ({ key: judge.judge, name: judge.judge, turns: judge.turns, judge })),
    { key: "\u0000humans", name: t("judges.humans"), turns: humans, judge: null },
  ];
  return (
    <ScrollRegion label={t("judges.caption")}>
      <table className="min-w-full text-sm" data-testid="agreement-table">
        <caption className="sr-only">{t("judges.caption")}</caption>
        <ColumnHeads
          columns={[
            { label: t("judges.source") },
            { label: t("judges.turn"), numeric: true },
            { label: t("judges.withTie"), numeric: true },
            { label: t("judges.withoutTie"), numeric: true },
            { label: t("judges.kappa"), numeric: true },
            { label: t("judges.consistency"), numeric: true },
            { label: t("judges.verdicts"), numeric: true },
          ]}
        />
        <tbody>
          {rows.flatMap(({ key, name, turns, judge }) =>
            (turns.length ? turns : [null]).map((turn, index) => (
              <tr key={`${key}/${turn?.turn ?? 0}`} className="border-t border-slate-200 align-top" data-testid="agreement-row">
                <th scope="row" className="whitespace-nowrap px-3 py-2 text-left font-medium">
                  {index === 0 ? name : <span className="sr-only">{name}</span>}
                </th>
                <td className="px-3 py-2 text-right tabular-nums">{turn ? turn.turn : t("judges.none")}</td>
                <td className="px-3 py-2 text-right tabular-nums">{turn ? count(turn.withTie) : t("judges.none")}</td>
                <td className="px-3 py-2 text-right tabular-nums">{turn ? count(turn.withoutTie) : t("judges.none")}</td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {judge && index === 0 && Number.isFinite(judge.kappa.value) ? (
                    <>
                      {judge.kappa.value.toFixed(2)}
                      <br />
                      <span className="text-xs text-slate-600">
                        {t("judges.interval", { low: judge.kappa.ciLow.toFixed(2), high: judge.kappa.ciHigh.toFixed(2) })}
                      </span>
                    </>
                  ) : (
                    t("judges.none")
                  )}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {judge && index === 0 && judge.consistency !== null ? percent(judge.consistency) : t("judges.none")}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{judge && index === 0 ? judge.verdicts : t("judges.none")}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
