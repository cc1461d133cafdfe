"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { useAccount } from "@/components/shell/account-context";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Panel } from "@/components/ui/panel";
import { EmptyState } from "@/components/ui/states";
import { TableHead } from "@/components/ui/table";
import { refusalOf } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";

type Version = RouterOutputs["admin"]["policy"]["history"][number];

function summary(version: Version): string {
  const { groups, poolPaused, caps } = version.definition;
  const parts = [groups.length === 0 ? "no groups" : groups.map((g) => g.name).join(", ")];
  const capCount = Object.keys(caps).length;
  if (capCount > 0) parts.push(`${capCount} cap${capCount === 1 ? "" : "s"}`);
  if (poolPaused) parts.push("pool paused");
  return parts.join("; ");
}

/** Every saved version, newest first; an administrator may roll back to any but the one in force. */
export function PolicyHistory({ versions, inForce }: { versions: Version[]; inForce: number | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const account = useAccount();
  const [chosen, setChosen] = useState<number | null>(null);
  const rollback = useMutation(
    trpc.admin.policy.rollback.mutationOptions({
      onSuccess: (saved) => {
        toast.success(`Version ${chosen} restored as version ${saved.version}.`);
        setChosen(null);
        void queryClient.invalidateQueries({ queryKey: trpc.admin.policy.pathKey() });
      },
      onError: (error) => toast.error(`Not rolled back: ${refusalOf(error).message}`),
    }),
  );
  const columns = [
    { label: "Version", numeric: true },
    { label: "Saved by" },
    { label: "Saved at" },
    { label: "Restores" },
    { label: "Groups" },
    ...(account.canChange ? [{ label: "Actions", hidden: true }] : []),
  ];

  return (
    <Panel
      title="History"
      labelledBy="policy-history-title"
      description={
        account.canChange
          ? "Every saved version. Rolling back saves a new version equal to the one chosen."
          : "Every saved version. Read-only: viewers cannot roll back."
      }
    >
      {versions.length === 0 ? (
        <EmptyState title="No policy saved yet">The pool is served first come, first served.</EmptyState>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="policy-history">
            <TableHead columns={columns} />
            <tbody className="divide-y divide-slate-800">
              {versions.map((version) => (
                <tr key={version.version} data-testid={`policy-version-${version.version}`}>
                  <td className="py-2 pr-4 text-right tabular-nums text-slate-200">{version.version}</td>
                  <td className="py-2 pr-4 text-slate-300">{version.savedBy}</td>
                  <td className="whitespace-nowrap py-2 pr-4 text-slate-400">{formatDateTime(version.savedAt)}</td>
                  <td className="py-2 pr-4 text-slate-400">
                    {version.restores === null ? "" : `version ${version.restores}`}
                  </td>
                  <td className="py-2 pr-4 text-slate-300">{summary(version)}</td>
                  {account.canChange && (
                    <td className="py-2 text-right">
                      {version.version === inForce ? (
                        <span className="text-xs text-slate-400">In force</span>
                      ) : (
                        <Button size="sm" onClick={() => setChosen(version.version)}>
                          Roll back to version {version.version}
                        </Button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={chosen !== null}
        title={`Roll back to version ${chosen}?`}
        confirmLabel="Roll back"
        tone="primary"
        busy={rollback.isPending}
        onConfirm={() => chosen !== null && rollback.mutate({ version: chosen })}
        onClose={() => setChosen(null)}
      >
        A new version equal to version {chosen} is saved and in force at once; it may serve waiting participants.
      </ConfirmDialog>
    </Panel>
  );
}
