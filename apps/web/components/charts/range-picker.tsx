"use client";

import { cx } from "@/components/ui/cx";

const RANGES = [
  { value: "hour", label: "Last hour", spanMs: 3600_000 },
  { value: "day", label: "Last day", spanMs: 24 * 3600_000 },
  { value: "week", label: "Last week", spanMs: 7 * 24 * 3600_000 },
] as const;
export type Range = (typeof RANGES)[number]["value"];

export function spanOf(range: Range): number {
  return RANGES.find((r) => r.value === range)!.spanMs;
}

export function RangePicker({ value, onChange }: { value: Range; onChange: (range: Range) => void }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a form fieldset
    <div role="group" aria-label="Time range" className="inline-flex rounded-md border border-slate-700 p-0.5">
      {RANGES.map((range) => (
        <button
          key={range.value}
          type="button"
          aria-pressed={value === range.value}
          onClick={() => onChange(range.value)}
          className={cx(
            "rounded px-2.5 py-1 text-xs font-medium",
            value === range.value ? "bg-slate-700 text-white" : "text-slate-400 hover:text-slate-100",
          )}
        >
          {range.label}
        </button>
      ))}
    </div>
  );
}

/** The range, or less for something younger: a chart of its whole life rather than an empty axis. */
export function visibleSpan(range: Range, startedAt: number, end: number): number {
  return Math.min(spanOf(range), Math.max(end - startedAt, 5 * 60_000));
}
