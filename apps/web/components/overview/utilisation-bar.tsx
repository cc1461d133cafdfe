import { formatCount, formatPercent } from "@/lib/format";

/** Amber this many points below the alert threshold, red from the threshold on. */
const AMBER_MARGIN_PCT = 15;

function utilisationTone(pct: number, thresholdPct: number): "ok" | "near" | "alert" {
  if (pct >= thresholdPct) return "alert";
  if (pct >= thresholdPct - AMBER_MARGIN_PCT) return "near";
  return "ok";
}

const TONE = {
  ok: { bar: "bg-emerald-500", text: "text-emerald-300", label: "Healthy" },
  near: { bar: "bg-amber-400", text: "text-amber-300", label: "Nearing the alert threshold" },
  alert: { bar: "bg-red-500", text: "text-red-300", label: "At or above the alert threshold" },
} as const;

export function UtilisationBar({
  utilisationPct,
  thresholdPct,
  granted,
  poolSize,
}: {
  utilisationPct: number;
  thresholdPct: number;
  granted: number;
  poolSize: number;
}) {
  const tone = utilisationTone(utilisationPct, thresholdPct);
  const width = Math.min(100, Math.max(0, utilisationPct));
  return (
    <section
      aria-labelledby="utilisation-title"
      className="rounded-xl border border-slate-800 bg-slate-900/70 p-5"
      data-tone={tone}
      data-testid="utilisation"
    >
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="utilisation-title" className="text-sm font-semibold text-slate-200">
          Pool utilisation
        </h2>
        <div className="text-sm">
          <span className={`text-2xl font-semibold tabular-nums ${TONE[tone].text}`} data-testid="utilisation-pct">
            {formatPercent(utilisationPct)}
          </span>
          <span className="ml-2 text-slate-400">
            {formatCount(granted)} of {formatCount(poolSize)} granted · {TONE[tone].label}
          </span>
        </div>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: <meter> cannot draw the threshold marker inside the bar */}
      <div
        role="meter"
        aria-label="Pool utilisation"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(width)}
        aria-valuetext={`${formatPercent(utilisationPct)}, alert at ${thresholdPct} %`}
        className="relative h-4 overflow-hidden rounded-full bg-slate-800"
      >
        <div
          className={`h-full rounded-full transition-[width] duration-700 ${TONE[tone].bar}`}
          style={{ width: `${width}%` }}
        />
        <div
          aria-hidden
          className="absolute inset-y-0 w-0.5 bg-slate-200/80"
          style={{ left: `${thresholdPct}%` }}
          title={`Alert threshold ${thresholdPct} %`}
        />
      </div>
      <div className="relative mt-1.5 h-4 text-xs text-slate-500">
        <span className="absolute left-0">0 %</span>
        <span
          className="absolute -translate-x-1/2 whitespace-nowrap text-slate-300"
          style={{ left: `${thresholdPct}%` }}
        >
          alert {thresholdPct} %
        </span>
        {thresholdPct < 90 && <span className="absolute right-0">100 %</span>}
      </div>
    </section>
  );
}
