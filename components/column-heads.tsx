import type { ReactNode } from "react";

export interface ColumnHead {
  /** React key; the label when it is a string. */
  key?: string;
  label: ReactNode;
  numeric?: boolean;
  /** Short words (a status) kept on one line even on a phone. */
  nowrap?: boolean;
}

/** The header row of a results table: shaded, left-aligned, numeric columns right-aligned. */
export function ColumnHeads({ columns, compact = false }: { columns: ColumnHead[]; compact?: boolean }) {
  const padding = compact ? "px-2 py-1" : "px-3 py-2";
  return (
    <thead className="bg-slate-100 text-left">
      <tr>
        {columns.map(({ key, label, numeric, nowrap }) => (
          <th
            key={key ?? String(label)}
            scope="col"
            className={`${padding}${numeric ? " text-right" : ""}${numeric || nowrap ? " whitespace-nowrap" : ""}`}
          >
            {label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
