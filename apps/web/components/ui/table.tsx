import type { ReactNode } from "react";
import { cx } from "./cx";

export interface Column {
  label: ReactNode;
  /** Figures are right-aligned, as in every table of the console. */
  numeric?: boolean;
  /** Visually hidden (e.g. an actions column), still read out. */
  hidden?: boolean;
}

/** The header row of the console's plain tables (the participants table has sortable headers of its own). */
export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead className="text-left text-xs uppercase tracking-wider text-slate-400">
      <tr>
        {columns.map((column, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of columns that never reorders; labels may be elements
          <th key={i} scope="col" className={cx("py-2 pr-4 font-medium last:pr-0", column.numeric && "text-right")}>
            {column.hidden ? <span className="sr-only">{column.label}</span> : column.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
