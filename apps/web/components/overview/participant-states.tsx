import type { ParticipantState } from "@sls/server";
import Link from "next/link";
import { Panel } from "@/components/ui/panel";
import { formatCount } from "@/lib/format";
import type { RouterOutputs } from "@/lib/trpc";

type Participants = RouterOutputs["admin"]["overview"]["get"]["participants"];

/** One card per participant state, with the overview field that counts it. */
const STATES = {
  active: { key: "active", label: "Active", dot: "bg-emerald-400", hint: "refreshing on time" },
  late: { key: "late", label: "Late", dot: "bg-amber-400", hint: "one refresh interval missed" },
  silent: {
    key: "silent",
    label: "Silent",
    dot: "bg-red-500",
    hint: "two intervals missed; reclaimed at three",
  },
  expired: {
    key: "expired",
    label: "Expired",
    dot: "bg-slate-500",
    hint: "silent for 3 intervals; grant reclaimed",
  },
  "awaiting-approval": {
    key: "awaitingApproval",
    label: "Awaiting approval",
    dot: "bg-sky-400",
    hint: "registered, not yet approved",
  },
} satisfies Record<ParticipantState, { key: keyof Participants; label: string; dot: string; hint: string }>;

export function ParticipantStates({
  participants,
  approvalRequired,
}: {
  participants: Participants;
  approvalRequired: boolean;
}) {
  return (
    <Panel
      title="Participants by state"
      description={`${formatCount(participants.total)} registered${approvalRequired ? " · new participants need approval" : ""}`}
      labelledBy="states-title"
      actions={
        <Link href="/participants" className="text-sm text-sky-300 hover:underline">
          All participants →
        </Link>
      }
    >
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        {Object.entries(STATES).map(([state, { key, label, dot, hint }]) => (
          <li key={key}>
            <Link
              href={`/participants?state=${state}`}
              className="block rounded-lg border border-slate-800 bg-slate-950/40 p-3 hover:border-slate-600"
              data-testid={`state-${state}`}
            >
              <span className="flex items-center gap-2 text-xs font-medium text-slate-400">
                <span aria-hidden className={`size-2 rounded-full ${dot}`} />
                {label}
              </span>
              <span className="mt-1 block text-2xl font-semibold tabular-nums">{formatCount(participants[key])}</span>
              <span className="text-xs text-slate-500">{hint}</span>
            </Link>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
