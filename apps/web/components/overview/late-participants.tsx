import Link from "next/link";
import { StateBadge } from "@/components/participants/state-badge";
import { Panel } from "@/components/ui/panel";
import { formatAgo, formatCount } from "@/lib/format";
import type { RouterOutputs } from "@/lib/trpc";

type Overview = RouterOutputs["admin"]["overview"]["get"];

/** The participants that missed refreshes, longest silent first; shown only while there are any. */
export function LateParticipants({
  participants,
  late,
}: {
  participants: Overview["participants"];
  late: Overview["lateParticipants"];
}) {
  const count = participants.late + participants.silent;
  if (count === 0) return null;
  return (
    <Panel
      title="Late and silent participants"
      description={`${formatCount(participants.late)} late, ${formatCount(participants.silent)} silent; grants are reclaimed at three missed intervals`}
      labelledBy="late-title"
      actions={
        <Link href="/participants?state=late" className="text-sm text-sky-300 hover:underline">
          All late →
        </Link>
      }
    >
      <ul className="divide-y divide-slate-800 text-sm" data-testid="late-list">
        {late.map((p) => (
          <li key={p.serial} className="flex items-center justify-between gap-3 py-1.5">
            <Link href={`/participants/${encodeURIComponent(p.serial)}`} className="font-mono hover:underline">
              {p.serial}
            </Link>
            <span className="truncate text-slate-400">{p.hostname}</span>
            <span className="text-slate-400">last seen {formatAgo(p.lastSeenAt)}</span>
            <StateBadge state={p.state} />
          </li>
        ))}
      </ul>
      {count > late.length && (
        <p className="mt-2 text-xs text-slate-500">and {formatCount(count - late.length)} more</p>
      )}
    </Panel>
  );
}
