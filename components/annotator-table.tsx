"use client";

import { useActionState, useMemo, useState } from "react";
import { setAnnotatorFlagAction } from "@/lib/campaigns/actions";
import type { ActionState } from "@/lib/action-state";
import type { AnnotatorQuality } from "@/lib/results/annotators";
import type { MessageKey } from "@/lib/i18n/translate";
import { useI18n } from "./i18n-provider";

type Column =
  | "name"
  | "votes"
  | "medianSeconds"
  | "leftShare"
  | "positionP"
  | "tieRate"
  | "bothBadRate"
  | "consensusAgreement"
  | "outlier"
  | "tooFast"
  | "gold";

const COLUMNS: { key: Column; label: MessageKey; numeric: boolean }[] = [
  { key: "name", label: "annotators.name", numeric: false },
  { key: "votes", label: "annotators.votes", numeric: true },
  { key: "medianSeconds", label: "annotators.medianSeconds", numeric: true },
  { key: "leftShare", label: "annotators.leftShare", numeric: true },
  { key: "positionP", label: "annotators.positionP", numeric: true },
  { key: "tieRate", label: "annotators.tieRate", numeric: true },
  { key: "bothBadRate", label: "annotators.bothBadRate", numeric: true },
  { key: "consensusAgreement", label: "annotators.agreement", numeric: true },
  { key: "outlier", label: "annotators.outlier", numeric: true },
  { key: "tooFast", label: "annotators.tooFast", numeric: true },
  { key: "gold", label: "annotators.goldFailed", numeric: true },
];

function sortValue(row: AnnotatorQuality, column: Column): number | string {
  if (column === "name") return row.name.toLowerCase();
  if (column === "outlier") return row.outlier.evidence;
  if (column === "gold") return row.gold.answered ? row.gold.failed / row.gold.answered : -1;
  const value = row[column];
  return value ?? Number.NEGATIVE_INFINITY;
}

const percent = (value: number | null) => (value === null ? "–" : `${(value * 100).toFixed(0)}%`);

/** Per-annotator statistics, sortable by any column, with flag / unflag for the campaign's members. */
export function AnnotatorTable({ rows, campaignId, slug }: { rows: AnnotatorQuality[]; campaignId: string; slug: string }) {
  const { t } = useI18n();
  const [sort, setSort] = useState<{ column: Column; descending: boolean }>({ column: "votes", descending: true });
  const sorted = useMemo(() => {
    const copy = [...rows];
    copy.sort((a, b) => {
      const x = sortValue(a, sort.column);
      const y = sortValue(b, sort.column);
      const order = x < y ? -1 : x > y ? 1 : 0;
      return sort.descending ? -order : order;
    });
    return copy;
  }, [rows, sort]);

  return (
    <table className="w-full text-sm" data-testid="annotator-table">
      <thead className="bg-slate-100 text-left">
        <tr>
          {COLUMNS.map((column) => (
            <th
              key={column.key}
              scope="col"
              className={`px-2 py-2 ${column.numeric ? "text-right" : ""}`}
              aria-sort={sort.column === column.key ? (sort.descending ? "descending" : "ascending") : undefined}
            >
              <button
                type="button"
                className="font-semibold underline decoration-dotted"
                title={column.key === "outlier" ? t("annotators.outlierHint") : undefined}
                aria-label={t("annotators.sortBy", { column: t(column.label) })}
                onClick={() =>
                  setSort((s) => ({ column: column.key, descending: s.column === column.key ? !s.descending : column.numeric }))
                }
              >
                {t(column.label)}
              </button>
            </th>
          ))}
          <th scope="col" className="px-2 py-2">
            <span className="sr-only">{t("annotators.flag")}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((row) => (
          <tr key={row.id} className={`border-t border-slate-100 ${row.flagged ? "bg-red-50" : ""}`} data-annotator={row.name}>
            <th scope="row" className="px-2 py-2 text-left font-medium">
              {row.name}
              {row.email && <span className="block text-xs font-normal text-slate-600">{row.email}</span>}
              {row.imported && <span className="ml-1 text-xs font-normal text-slate-600">({t("annotators.imported")})</span>}
              {row.flagged && <span className="ml-1 rounded bg-red-100 px-1 text-xs text-red-800">{t("annotators.flagged")}</span>}
            </th>
            <td className="px-2 py-2 text-right tabular-nums">{row.votes}</td>
            <td className="px-2 py-2 text-right tabular-nums">{row.medianSeconds === null ? "–" : row.medianSeconds.toFixed(1)}</td>
            <td className="px-2 py-2 text-right tabular-nums">{percent(row.leftShare)}</td>
            <td
              className={`px-2 py-2 text-right tabular-nums ${row.positionP !== null && row.positionP < 0.05 ? "font-semibold text-red-700" : ""}`}
            >
              {row.positionP === null ? "–" : row.positionP < 0.001 ? "<0.001" : row.positionP.toFixed(3)}
            </td>
            <td className="px-2 py-2 text-right tabular-nums">{percent(row.tieRate)}</td>
            <td className="px-2 py-2 text-right tabular-nums">{percent(row.bothBadRate)}</td>
            <td className="px-2 py-2 text-right tabular-nums">
              {percent(row.consensusAgreement)}
              <span className="block text-xs text-slate-600">n={row.comparableItems}</span>
            </td>
            <td className="px-2 py-2 text-right tabular-nums" data-testid="outlier">
              {row.outlier.tested === 0 ? "–" : row.outlier.evidence >= 1000 ? "≥1000" : row.outlier.evidence.toFixed(1)}
              {row.outlier.suggested && <span className="block text-xs font-semibold text-red-700">{t("annotators.suggestFlag")}</span>}
            </td>
            <td className="px-2 py-2 text-right tabular-nums" data-testid="too-fast">
              {row.tooFast}
            </td>
            <td className="px-2 py-2 text-right tabular-nums" data-testid="gold">
              {row.gold.answered === 0 ? "–" : `${row.gold.failed}/${row.gold.answered}`}
            </td>
            <td className="px-2 py-2">{!row.imported && <FlagButton row={row} campaignId={campaignId} slug={slug} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FlagButton({ row, campaignId, slug }: { row: AnnotatorQuality; campaignId: string; slug: string }) {
  const { t } = useI18n();
  const [, action, pending] = useActionState<ActionState<object, "NOT_FOUND">, FormData>(setAnnotatorFlagAction, { status: "idle" });
  return (
    <form action={action}>
      <input type="hidden" name="campaignId" value={campaignId} />
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="userId" value={row.id} />
      <input type="hidden" name="flagged" value={row.flagged ? "false" : "true"} />
      <button type="submit" className="btn-secondary px-2 py-1 whitespace-nowrap" disabled={pending}>
        {row.flagged ? t("annotators.unflag") : t("annotators.flag")}
      </button>
    </form>
  );
}
