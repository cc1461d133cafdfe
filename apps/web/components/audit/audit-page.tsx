"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { Pagination } from "@/components/ui/pagination";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { formatCount } from "@/lib/format";
import { useCsvExport } from "@/lib/use-csv-export";
import { useSearchState } from "@/lib/use-search-state";
import { useTRPC, type RouterInputs } from "@/lib/trpc";
import { AuditFilters, type FilterValues } from "./audit-filters";
import { AuditTable } from "./audit-table";
import { typesOf } from "./event-types";

type Filter = NonNullable<RouterInputs["admin"]["audit"]["list"]["filter"]>;
const PAGE_SIZE = 50;

export function AuditPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const url = useSearchState();
  const types = useQuery(trpc.admin.audit.types.queryOptions());
  const values: FilterValues = {
    serial: url.get("serial") ?? "",
    type: url.get("type") ?? "",
    from: url.get("from") ?? "",
    to: url.get("to") ?? "",
  };
  const page = Math.max(1, Number.parseInt(url.get("page") ?? "1", 10) || 1);
  const filter: Filter = {
    serial: values.serial || undefined,
    types: typesOf(values.type || undefined, types.data?.types ?? []),
    from: values.from ? new Date(values.from).toISOString() : undefined,
    to: values.to ? new Date(values.to).toISOString() : undefined,
  };
  const list = useQuery({
    ...trpc.admin.audit.list.queryOptions({ filter, page, pageSize: PAGE_SIZE }),
    refetchInterval: 5_000,
    placeholderData: keepPreviousData,
    enabled: types.isSuccess,
  });
  const exportCsv = useCsvExport(
    () => queryClient.fetchQuery({ ...trpc.admin.audit.export.queryOptions({ filter }), staleTime: 0 }),
    (result) => {
      const note = result.truncated ? ` (the first ${formatCount(result.rows)}; narrow the filter for the rest)` : "";
      toast.success(`Exported ${formatCount(result.rows)} events${note}.`);
    },
  );

  return (
    <>
      <PageHeader
        title="Audit history"
        description="Every change of a grant, every registration and every administrator action, newest first."
        actions={
          <Button
            onClick={() => void exportCsv.run()}
            busy={exportCsv.exporting}
            disabled={!list.data || list.data.total === 0}
          >
            Export CSV
          </Button>
        }
      />
      <Panel className="mb-4">
        <AuditFilters
          values={values}
          types={types.data?.types ?? []}
          onChange={(next) => url.set({ ...next, page: undefined })}
        />
      </Panel>
      {(types.isError || list.isError) && (
        <ErrorState error={types.error ?? list.error} what="the audit history" onRetry={() => void list.refetch()} />
      )}
      {(types.isPending || (list.isPending && !list.isError)) && (
        <Loading label="Loading the audit history" className="h-96" />
      )}
      {list.data && list.data.total === 0 && (
        <EmptyState title="No event matches">Widen the time range or clear the filters.</EmptyState>
      )}
      {list.data && list.data.total > 0 && (
        <div className="flex flex-col gap-3">
          <div className="rounded-xl border border-slate-800 bg-slate-900/70 px-4 py-2">
            <AuditTable rows={list.data.rows} />
          </div>
          <Pagination
            page={page}
            pageSize={PAGE_SIZE}
            total={list.data.total}
            onPage={(next) => url.set({ page: next > 1 ? next : undefined })}
            noun="events"
          />
        </div>
      )}
    </>
  );
}
