/** One column of a table: its heading and how a row shows in it. */
export type Column<T> = [heading: string, cell: (row: T) => string | number | boolean | null | undefined];

function text(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "-";
  return String(value);
}

/** A plain text table with aligned columns (numbers to the right), or a line saying it is empty. */
export function table<T>(rows: readonly T[], columns: Column<T>[], empty = "(none)"): string {
  if (rows.length === 0) return empty;
  const cells = rows.map((row) => columns.map(([, cell]) => cell(row)));
  const widths = columns.map(([heading], i) => Math.max(heading.length, ...cells.map((r) => text(r[i]).length)));
  const numeric = columns.map((_, i) => cells.every((r) => typeof r[i] === "number" || r[i] === null));
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(columns.map(([heading]) => heading)), ...cells.map((r) => line(r.map(text)))].join("\n");
}

/** `label  value` lines, the labels aligned. */
export function fields(pairs: Array<[label: string, value: string | number | boolean | null | undefined]>): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${text(value)}`).join("\n");
}

/** An ISO time as `2026-12-07 18:12:35Z`: shorter in a table, still exact. */
export function when(iso: string | null | undefined): string | null {
  return iso ? `${iso.slice(0, 19).replace("T", " ")}Z` : null;
}
