"use client";

import { MINUTE_MS } from "@sls/allocator";
import { USAGE_RANGE_NAMES, USAGE_RANGE_SPANS, type TUsageRange } from "@sls/server/contracts";
import { cx } from "@/components/ui/cx";

export type Range = TUsageRange;

const LABELS = { hour: "Last hour", day: "Last day", week: "Last week" } satisfies Record<Range, string>;

export function spanOf(range: Range): number {
  return USAGE_RANGE_SPANS[range];
}

export function RangePicker({ value, onChange }: { value: Range; onChange: (range: Range) => void }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a form fieldset
    <div role="group" aria-label="Time range" className="inline-flex rounded-md border border-slate-700 p-0.5">
      {USAGE_RANGE_NAMES.map((range) => (
        <button
          key={range}
          type="button"
          aria-pressed={value === range}
          onClick={() => onChange(range)}
          className={cx(
            "rounded px-2.5 py-1 text-xs font-medium",
            value === range ? "bg-slate-700 text-white" : "text-slate-400 hover:text-slate-100",
          )}
        >
          {LABELS[range]}
        </button>
      ))}
    </div>
  );
}

/** The range, or less for something younger: a chart of its whole life rather than an empty axis. */
export function visibleSpan(range: Range, startedAt: number, end: number): number {
  return Math.min(spanOf(range), Math.max(end - startedAt, 5 * MINUTE_MS));
}
