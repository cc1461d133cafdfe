import type { ReactNode } from "react";
import { cx } from "./cx";

export type Tone = "neutral" | "good" | "warn" | "bad" | "info";

const TONES: Record<Tone, string> = {
  neutral: "bg-slate-800 text-slate-300 ring-slate-700",
  good: "bg-emerald-950 text-emerald-300 ring-emerald-800",
  warn: "bg-amber-950 text-amber-300 ring-amber-800",
  bad: "bg-red-950 text-red-300 ring-red-800",
  info: "bg-sky-950 text-sky-300 ring-sky-800",
};

export function Badge({ tone = "neutral", children }: { tone?: Tone; children: ReactNode }) {
  return (
    <span
      className={cx(
        "inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        TONES[tone],
      )}
    >
      {children}
    </span>
  );
}
