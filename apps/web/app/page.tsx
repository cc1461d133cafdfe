"use client";

import { useQuery } from "@tanstack/react-query";
import { formatAgo, formatCount } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

const REFRESH_MS = 3_000;

export default function StatusPage() {
  const trpc = useTRPC();
  const status = useQuery({ ...trpc.admin.status.queryOptions(), refetchInterval: REFRESH_MS });

  return (
    <main className="mx-auto max-w-6xl px-6 py-8">
      <header className="mb-6 flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold tracking-tight">Shared License Server</h1>
        <span className="text-sm text-slate-500">updates every {REFRESH_MS / 1000} s</span>
      </header>

      {status.isPending && <p className="text-slate-500">Loading pool status…</p>}
      {status.isError && (
        <p role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-red-800">
          Could not load the pool status: {status.error.message}
        </p>
      )}
      {status.data && (
        <>
          {!status.data.configured && (
            <p role="status" className="mb-4 rounded border border-amber-200 bg-amber-50 p-3 text-amber-900">
              No shared secret is set: appliances cannot register until one is configured (SLS_SHARED_SECRET on first start).
            </p>
          )}
          <section aria-label="Pool" className="mb-8 grid grid-cols-2 gap-4 md:grid-cols-4">
            <Figure label="Pool size" testId="pool-size" value={status.data.pool.poolSize} />
            <Figure label="Granted" testId="granted" value={status.data.pool.granted} />
            <Figure label="Available" testId="available" value={status.data.pool.available} />
            <Figure label="Pending demand" testId="pending" value={status.data.pool.pending} />
          </section>
          <ParticipantsTable participants={status.data.participants} />
        </>
      )}
    </main>
  );
}

function Figure({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="text-sm text-slate-500">{label}</div>
      <div data-testid={testId} className="mt-1 text-3xl font-semibold tabular-nums">
        {formatCount(value)}
      </div>
    </div>
  );
}

type Participant = {
  serial: string;
  hostname: string;
  model: string;
  platformLimit: number;
  localLimit: number;
  granted: number;
  pending: number;
  inUse: number;
  lastSeenAt: string;
};

function ParticipantsTable({ participants }: { participants: Participant[] }) {
  if (participants.length === 0) {
    return <p className="rounded border border-dashed border-slate-300 p-6 text-center text-slate-500">No participant has registered yet.</p>;
  }
  return (
    <section aria-label="Participants" className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full text-sm">
        <thead className="bg-slate-100 text-left text-slate-600">
          <tr>
            {["Serial", "Hostname", "Model", "Platform limit", "Local limit", "Granted", "Pending", "In use", "Last refresh"].map((h) => (
              <th key={h} scope="col" className="px-3 py-2 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {participants.map((p) => (
            <tr key={p.serial} data-testid="participant-row" className="border-t border-slate-100">
              <td className="px-3 py-2 font-mono">{p.serial}</td>
              <td className="px-3 py-2">{p.hostname}</td>
              <td className="px-3 py-2">{p.model}</td>
              <td className="px-3 py-2 tabular-nums">{formatCount(p.platformLimit)}</td>
              <td className="px-3 py-2 tabular-nums">{formatCount(p.localLimit)}</td>
              <td className="px-3 py-2 tabular-nums" data-testid="participant-granted">{formatCount(p.granted)}</td>
              <td className="px-3 py-2 tabular-nums">{formatCount(p.pending)}</td>
              <td className="px-3 py-2 tabular-nums">{formatCount(p.inUse)}</td>
              <td className="px-3 py-2 text-slate-500">{formatAgo(p.lastSeenAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
