"use client";

import type { ParticipantSortKey, SortDirection } from "@sls/server";
import Link from "next/link";
import { useAccount } from "@/components/shell/account-context";
import { cx } from "@/components/ui/cx";
import { formatAgo, formatCount, formatDateTime } from "@/lib/format";
import type { RouterOutputs } from "@/lib/trpc";
import { ParticipantActions } from "./participant-actions";
import { StateBadge } from "./state-badge";

type Row = RouterOutputs["admin"]["participants"]["list"]["rows"][number];
export type Sort = { key: ParticipantSortKey; direction: SortDirection };

type Column = { label: string; title?: string; numeric?: boolean };

/** A column for every key the server sorts by (a new key needs one here), in display order. */
const SORT_COLUMNS = {
  serial: { label: "Serial" },
  hostname: { label: "Hostname" },
  model: { label: "Model" },
  platformLimit: { label: "Platform", title: "Platform limit", numeric: true },
  localLimit: { label: "Local", title: "Local limit", numeric: true },
  granted: { label: "Granted", numeric: true },
  pending: { label: "Pending", numeric: true },
  inUse: { label: "In use", numeric: true },
  highWater: { label: "Peak", title: "High-water mark of in use", numeric: true },
  lastSeenAt: { label: "Last refresh" },
} satisfies Record<ParticipantSortKey, Column>;
export const SORTABLE = Object.keys(SORT_COLUMNS) as ParticipantSortKey[];

const COLUMNS: Array<Column & { key: ParticipantSortKey | "state" }> = [
  ...SORTABLE.map((key) => ({ key, ...SORT_COLUMNS[key] })),
  { key: "state", label: "State" },
];

export function ParticipantsTable({
  rows,
  sort,
  onSort,
  stale,
}: {
  rows: Row[];
  sort: Sort;
  onSort: (sort: Sort) => void;
  stale: boolean;
}) {
  const account = useAccount();
  return (
    <div
      className={cx(
        "overflow-x-auto rounded-xl border border-slate-800 bg-slate-900/70 transition-opacity",
        stale && "opacity-60",
      )}
      aria-busy={stale}
    >
      <table className="min-w-full text-[13px]">
        <thead className="border-b border-slate-800 text-left text-xs uppercase tracking-wider text-slate-400">
          <tr>
            {COLUMNS.map((column) => (
              <HeaderCell key={column.key} column={column} sort={sort} onSort={onSort} />
            ))}
            <th scope="col" className="px-2 py-2.5 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-800/80">
          {rows.map((p) => (
            <tr key={p.serial} data-testid="participant-row" className="hover:bg-slate-800/40">
              <td className="px-2 py-2 font-mono">
                <Link href={`/participants/${encodeURIComponent(p.serial)}`} className="text-sky-300 hover:underline">
                  {p.serial}
                </Link>
              </td>
              <td className="max-w-44 truncate px-2 py-2" title={p.hostname}>
                {p.hostname}
              </td>
              <td className="whitespace-nowrap px-2 py-2 text-slate-300">{p.model}</td>
              <Numeric value={p.platformLimit} />
              <Numeric value={p.localLimit} />
              <Numeric value={p.granted} testId="participant-granted" strong />
              <Numeric
                value={p.pending}
                testId="participant-pending"
                tone={p.pending > 0 ? "text-amber-300" : undefined}
              />
              <Numeric value={p.inUse} testId="participant-in-use" />
              <Numeric value={p.highWater} />
              <td className="whitespace-nowrap px-2 py-2 text-slate-400" title={formatDateTime(p.lastSeenAt)}>
                {formatAgo(p.lastSeenAt)}
              </td>
              <td className="px-2 py-2">
                <StateBadge state={p.state} />
              </td>
              <td className="py-2 pl-1 pr-2 text-right">
                {account.canChange && <ParticipantActions participant={p} compact />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HeaderCell({
  column,
  sort,
  onSort,
}: {
  column: (typeof COLUMNS)[number];
  sort: Sort;
  onSort: (sort: Sort) => void;
}) {
  const align = column.numeric ? "text-right" : "text-left";
  if (column.key === "state") {
    return (
      <th scope="col" className={`px-2 py-2.5 font-medium ${align}`}>
        {column.label}
      </th>
    );
  }
  const key = column.key;
  const active = sort.key === key;
  const next: Sort = {
    key,
    direction:
      active && sort.direction === "asc"
        ? "desc"
        : active
          ? "asc"
          : column.numeric || key === "lastSeenAt"
            ? "desc"
            : "asc",
  };
  return (
    <th
      scope="col"
      aria-sort={active ? (sort.direction === "asc" ? "ascending" : "descending") : "none"}
      className={`whitespace-nowrap px-2 py-2.5 font-medium ${align}`}
    >
      <button
        type="button"
        onClick={() => onSort(next)}
        className={cx(
          "inline-flex items-center gap-1 uppercase tracking-wider hover:text-slate-100",
          active && "text-slate-100",
        )}
      >
        {column.title ? (
          <span title={column.title}>
            <span aria-hidden>{column.label}</span>
            <span className="sr-only">{column.title}</span>
          </span>
        ) : (
          column.label
        )}
        <span aria-hidden className="text-[10px]">
          {active ? (sort.direction === "asc" ? "▲" : "▼") : "↕"}
        </span>
      </button>
    </th>
  );
}

function Numeric({
  value,
  testId,
  strong,
  tone,
}: {
  value: number;
  testId?: string;
  strong?: boolean;
  tone?: string | undefined;
}) {
  return (
    <td data-testid={testId} className={cx("px-2 py-2 text-right tabular-nums", strong && "font-semibold", tone)}>
      {formatCount(value)}
    </td>
  );
}
