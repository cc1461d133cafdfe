import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { ScrollRegion } from "@/components/ui/scroll-region";
import { TableHead } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import type { RouterOutputs } from "@/lib/trpc";
import { typeLabel, typeTone } from "./event-types";

type Event = RouterOutputs["admin"]["audit"]["list"]["rows"][number];

/** `+150 → 400`: the change and the value after it, blank for events that change no grant. */
function DeltaCell({ delta, after, tone }: { delta: number; after: number | null; tone?: string }) {
  return (
    <td className="whitespace-nowrap py-2 pr-4 text-right tabular-nums">
      {after !== null && (
        <>
          <span className={tone}>{delta === 0 ? "" : delta > 0 ? `+${delta}` : String(delta)}</span>{" "}
          <span className="text-slate-400">→ {after}</span>
        </>
      )}
    </td>
  );
}

export function AuditTable({ rows, hideSerial = false }: { rows: Event[]; hideSerial?: boolean }) {
  return (
    <ScrollRegion label="Audit events">
      <table className="min-w-full text-sm">
        <TableHead
          columns={[
            { label: "Time" },
            { label: "Event" },
            ...(hideSerial ? [] : [{ label: "Participant" }]),
            { label: "Granted", numeric: true },
            { label: "Pending", numeric: true },
            { label: "By" },
            { label: "Detail" },
          ]}
        />
        <tbody className="divide-y divide-slate-800/80">
          {rows.map((e) => (
            <tr key={e.id} data-testid="audit-row" data-type={e.type}>
              <td className="whitespace-nowrap py-2 pr-4 tabular-nums text-slate-400">{formatDateTime(e.at)}</td>
              <td className="whitespace-nowrap py-2 pr-4">
                <Badge tone={typeTone(e.type)}>{typeLabel(e.type)}</Badge>
              </td>
              {!hideSerial && (
                <td className="py-2 pr-4 font-mono">
                  {e.serial ? (
                    <Link
                      href={`/participants/${encodeURIComponent(e.serial)}`}
                      className="text-sky-300 hover:underline"
                    >
                      {e.serial}
                    </Link>
                  ) : (
                    <span className="text-slate-600">—</span>
                  )}
                </td>
              )}
              <DeltaCell
                delta={e.grantedDelta}
                after={e.grantedAfter}
                tone={e.grantedDelta < 0 ? "text-amber-300" : "text-emerald-300"}
              />
              <DeltaCell delta={e.pendingDelta} after={e.pendingAfter} />
              <td className="whitespace-nowrap py-2 pr-4 text-slate-300">{e.actor}</td>
              <td className="max-w-md truncate py-2 font-mono text-xs text-slate-400" title={e.detail ?? undefined}>
                {e.detail ? describeDetail(e.detail) : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

/** `{"from":30,"to":60}` as `from 30 → to 60`; anything else as compact JSON. */
function describeDetail(detail: string): string {
  try {
    const value = JSON.parse(detail) as Record<string, unknown>;
    return Object.entries(value)
      .map(([key, v]) => `${key}: ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
      .join(" · ");
  } catch {
    return detail;
  }
}
