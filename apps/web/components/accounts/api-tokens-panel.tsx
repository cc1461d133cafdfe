"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Panel } from "@/components/ui/panel";
import { ScrollRegion } from "@/components/ui/scroll-region";
import { ErrorState, Loading } from "@/components/ui/states";
import { TableHead } from "@/components/ui/table";
import { refusalOf } from "@/lib/errors";
import { formatAgo, formatDateTime } from "@/lib/format";
import { type RouterOutputs, useTRPC } from "@/lib/trpc";
import { NewApiTokenForm } from "./new-api-token-form";

type ApiToken = RouterOutputs["admin"]["tokens"]["list"]["tokens"][number];

const STATE_TONES: Record<ApiToken["state"], Tone> = { active: "good", expired: "warn", revoked: "neutral" };

/** API tokens for scripts and `sls`: the list, revocation, and the form that creates one. Administrators only. */
export function ApiTokensPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.admin.tokens.list.queryOptions());
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const revoke = useMutation(
    trpc.admin.tokens.revoke.mutationOptions({
      onSuccess: (token) => {
        toast.success(`Token ${token.name} revoked; its next call is refused.`);
        setRevoking(null);
        void queryClient.invalidateQueries({ queryKey: trpc.admin.tokens.list.queryKey() });
      },
      onError: (error) => toast.error(refusalOf(error).message),
    }),
  );

  return (
    <div className="mt-6 grid gap-6 xl:grid-cols-[2fr_1fr]">
      <Panel
        title="API tokens"
        description="For scripts and the sls command line: each acts as the administrator who created it, within its scope."
        labelledBy="api-tokens-title"
      >
        {tokens.isError && (
          <ErrorState error={tokens.error} what="the API tokens" onRetry={() => void tokens.refetch()} />
        )}
        {tokens.isPending && <Loading label="Loading the API tokens" />}
        {tokens.data && tokens.data.tokens.length === 0 && <p className="text-sm text-slate-400">No API tokens yet.</p>}
        {tokens.data && tokens.data.tokens.length > 0 && (
          <ScrollRegion label="API tokens">
            <table className="min-w-full text-sm">
              <TableHead
                columns={[
                  { label: "Name" },
                  { label: "Scope" },
                  { label: "State" },
                  { label: "Created by" },
                  { label: "Last used" },
                  { label: "Expires" },
                  { label: "Actions", hidden: true },
                ]}
              />
              <tbody className="divide-y divide-slate-800">
                {tokens.data.tokens.map((token) => (
                  <tr key={token.id} data-testid="api-token-row">
                    <td className="py-2 pr-4">
                      <span className="font-medium">{token.name}</span>
                      <span className="block font-mono text-xs text-slate-500">{token.id}</span>
                    </td>
                    <td className="py-2 pr-4">
                      <Badge tone={token.scope === "admin" ? "info" : "neutral"}>{token.scope}</Badge>
                    </td>
                    <td className="py-2 pr-4">
                      <Badge tone={STATE_TONES[token.state]}>{token.state}</Badge>
                    </td>
                    <td className="py-2 pr-4 text-slate-400">
                      {token.createdBy}, {formatDateTime(token.createdAt)}
                    </td>
                    <td className="py-2 pr-4 text-slate-400">
                      {token.lastUsedAt ? formatAgo(token.lastUsedAt) : "never"}
                    </td>
                    <td className="py-2 pr-4 text-slate-400">
                      {token.expiresAt ? formatDateTime(token.expiresAt) : "never"}
                    </td>
                    <td className="py-2 text-right">
                      {token.state !== "revoked" && (
                        <Button size="sm" variant="ghost" className="text-red-300" onClick={() => setRevoking(token)}>
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
        <ConfirmDialog
          open={revoking !== null}
          title={`Revoke the token ${revoking?.name ?? ""}?`}
          confirmLabel="Revoke token"
          busy={revoke.isPending}
          onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
          onClose={() => setRevoking(null)}
        >
          Scripts using it are refused from their next call. This cannot be undone; its past actions stay in the audit
          history.
        </ConfirmDialog>
      </Panel>
      <NewApiTokenForm />
    </div>
  );
}
