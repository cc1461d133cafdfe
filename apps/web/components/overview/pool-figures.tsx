import { formatCount } from "@/lib/format";
import type { RouterOutputs } from "@/lib/trpc";

type Pool = RouterOutputs["admin"]["overview"]["get"]["pool"];

export function PoolFigures({ pool }: { pool: Pool }) {
  return (
    <section aria-label="Pool" className="grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-6">
      <Figure label="Pool size" testId="pool-size" value={pool.poolSize} />
      <Figure label="Granted" testId="granted" value={pool.granted} accent="text-sky-300" />
      <Figure
        label="Available"
        testId="available"
        value={pool.available}
        accent={pool.available === 0 && pool.poolSize > 0 ? "text-red-300" : "text-emerald-300"}
      />
      <Figure
        label="Pending demand"
        testId="pending"
        value={pool.pending}
        accent={pool.pending > 0 ? "text-amber-300" : undefined}
      />
      <Figure
        label="In use from the pool"
        testId="in-use-from-pool"
        value={pool.inUseFromPool}
        accent="text-emerald-300"
        hint="beyond the appliances' local limits"
      />
      <Figure label="In use in total" testId="in-use" value={pool.inUse} hint="reported, local sessions included" />
    </section>
  );
}

function Figure({
  label,
  value,
  testId,
  accent,
  hint,
}: {
  label: string;
  value: number;
  testId: string;
  accent?: string | undefined;
  hint?: string;
}) {
  return (
    <div className="rounded-xl border border-slate-800 bg-slate-900/70 p-4">
      <div className="text-xs font-medium uppercase tracking-wider text-slate-400">{label}</div>
      <div data-testid={testId} className={`mt-1 text-3xl font-semibold tabular-nums ${accent ?? "text-slate-100"}`}>
        {formatCount(value)}
      </div>
      {hint && <div className="mt-0.5 text-xs text-slate-500">{hint}</div>}
    </div>
  );
}
