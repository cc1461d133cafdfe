"use client";

import { useQuery } from "@tanstack/react-query";
import { PageHeader } from "@/components/shell/page-header";
import { ErrorState, Loading } from "@/components/ui/states";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { PolicyEditor } from "./policy-editor";
import { PolicyHistory } from "./policy-history";

/** The pool policy: the form with its preview beside it, then the saved versions with rollback. */
export function PolicyPage() {
  const trpc = useTRPC();
  const policy = useQuery(trpc.admin.policy.get.queryOptions());
  const history = useQuery(trpc.admin.policy.history.queryOptions());
  const p = policy.data;

  return (
    <>
      <PageHeader
        title="Policy"
        description={
          <span data-testid="policy-version">
            {!p
              ? "Groups, reservations, caps and pauses."
              : p.version === null
                ? "No policy saved yet: one pool, first come, first served."
                : `Version ${p.version} in force, saved by ${p.savedBy} on ${formatDateTime(p.savedAt ?? "")}.`}
          </span>
        }
      />
      {policy.isError && <ErrorState error={policy.error} what="the policy" onRetry={() => void policy.refetch()} />}
      {!p && !policy.isError && <Loading label="Loading the policy" className="h-96" />}
      <div className="flex flex-col gap-6">
        {p && <PolicyEditor key={p.version ?? "none"} definition={p.definition} />}
        {history.isError && (
          <ErrorState error={history.error} what="the policy history" onRetry={() => void history.refetch()} />
        )}
        {history.data && <PolicyHistory versions={history.data} inForce={p?.version ?? null} />}
      </div>
    </>
  );
}
