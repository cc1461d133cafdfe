"use client";

import type { ParticipantState } from "@sls/server";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { PageHeader } from "@/components/shell/page-header";
import { SelectField } from "@/components/ui/field";
import { Pagination } from "@/components/ui/pagination";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { formatCount } from "@/lib/format";
import { useSearchState } from "@/lib/use-search-state";
import { useTRPC, type RouterInputs } from "@/lib/trpc";
import { ParticipantsTable, SORTABLE, type Sort } from "./participants-table";
import { useDebounced } from "./use-debounced";

type ListInput = RouterInputs["admin"]["participants"]["list"];

const STATE_LABELS: Record<ParticipantState, string> = {
  active: "Active",
  late: "Late (one interval missed)",
  silent: "Silent (two intervals missed)",
  expired: "Expired",
  "awaiting-approval": "Awaiting approval",
};
const STATE_OPTIONS = [
  { value: "", label: "All states" },
  ...Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label })),
];
const PAGE_SIZES = [25, 50, 100, 200];

export function ParticipantsPage() {
  const trpc = useTRPC();
  const url = useSearchState();
  const state = (STATE_OPTIONS.some((o) => o.value === url.get("state")) ? url.get("state") : undefined) as
    | ParticipantState
    | undefined;
  const sortKey = SORTABLE.find((s) => s === url.get("sort")) ?? "serial";
  const sort: Sort = { key: sortKey, direction: url.get("dir") === "desc" ? "desc" : "asc" };
  const pageSize = PAGE_SIZES.find((size) => String(size) === url.get("size")) ?? 50;
  const page = Math.max(1, Number.parseInt(url.get("page") ?? "1", 10) || 1);

  const [searchText, setSearchText] = useState(url.get("q") ?? "");
  const search = useDebounced(searchText.trim(), 300);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled search changes the URL; URL changes do not feed back into the box
  useEffect(() => {
    if (search !== (url.get("q") ?? "")) url.set({ q: search, page: undefined });
  }, [search]);

  const input: ListInput = {
    page,
    pageSize,
    sort: sort.key,
    direction: sort.direction,
    state,
    search: url.get("q") || undefined,
  };
  const list = useQuery({
    ...trpc.admin.participants.list.queryOptions(input),
    refetchInterval: 5_000,
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader
        title="Participants"
        description={
          list.data
            ? `${formatCount(list.data.total)} ${state || search ? "matching" : "registered"}`
            : "Appliances registered with this server"
        }
      />
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <div className="flex min-w-64 flex-1 flex-col gap-1.5">
          <label htmlFor="participant-search" className="text-xs font-medium text-slate-400">
            Search serial, hostname or model
          </label>
          <input
            id="participant-search"
            type="search"
            value={searchText}
            onChange={(event) => setSearchText(event.target.value)}
            placeholder="e.g. JAD2231 or vpn-east"
            className="rounded-md border border-slate-700 bg-slate-950 px-3 py-2 text-sm placeholder:text-slate-500 hover:border-slate-600"
          />
        </div>
        <SelectField
          label="State"
          value={state ?? ""}
          options={STATE_OPTIONS}
          onChange={(value) => url.set({ state: value, page: undefined })}
        />
        <SelectField
          label="Rows per page"
          value={String(pageSize)}
          options={PAGE_SIZES.map((size) => ({ value: String(size), label: String(size) }))}
          onChange={(value) => url.set({ size: value, page: undefined })}
        />
      </div>

      {list.isError && <ErrorState error={list.error} what="the participants" onRetry={() => void list.refetch()} />}
      {list.isPending && <Loading label="Loading participants" className="h-96" />}
      {list.data && list.data.total === 0 && (
        <EmptyState title={state || search ? "No participant matches" : "No participant has registered yet"}>
          {state || search
            ? "Change the search or the state filter."
            : "Appliances appear here once they register with the shared secret."}
        </EmptyState>
      )}
      {list.data && list.data.total > 0 && (
        <div className="flex flex-col gap-3">
          <ParticipantsTable
            rows={list.data.rows}
            sort={sort}
            onSort={(next) => url.set({ sort: next.key, dir: next.direction, page: undefined })}
            stale={list.isPlaceholderData}
          />
          <Pagination
            page={page}
            pageSize={pageSize}
            total={list.data.total}
            onPage={(next) => url.set({ page: next > 1 ? next : undefined })}
            noun="participants"
          />
        </div>
      )}
    </>
  );
}
