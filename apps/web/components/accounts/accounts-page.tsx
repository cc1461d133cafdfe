"use client";

import { useQuery } from "@tanstack/react-query";
import { useAccount } from "@/components/shell/account-context";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { TableHead } from "@/components/ui/table";
import { formatAgo, formatDateTime } from "@/lib/format";
import { useRules } from "@/lib/use-rules";
import { useTRPC } from "@/lib/trpc";
import { AccountActions } from "./account-actions";
import { ApiTokensPanel } from "./api-tokens-panel";
import { NewAccountForm } from "./new-account-form";

export function AccountsPage() {
  const trpc = useTRPC();
  const me = useAccount();
  const rules = useRules();
  const accounts = useQuery({ ...trpc.admin.accounts.list.queryOptions(), enabled: me.canChange });

  if (!me.canChange) {
    return <EmptyState title="Administrators only">Ask an administrator to add, change or remove accounts.</EmptyState>;
  }
  const admins = accounts.data?.accounts.filter((a) => a.role === "admin").length ?? 0;
  return (
    <>
      <PageHeader
        title="Accounts"
        description="Administrators change everything; viewers see every page but change nothing."
      />
      <div className="grid gap-6 xl:grid-cols-[2fr_1fr]">
        <Panel title="Who can sign in" labelledBy="accounts-title">
          {accounts.isError && (
            <ErrorState error={accounts.error} what="the accounts" onRetry={() => void accounts.refetch()} />
          )}
          {accounts.isPending && <Loading label="Loading the accounts" />}
          {accounts.data && (
            <div className="overflow-x-auto">
              <table className="min-w-full text-sm">
                <TableHead
                  columns={[
                    { label: "Name" },
                    { label: "Role" },
                    { label: "Last sign-in" },
                    { label: "Created" },
                    { label: "Actions", hidden: true },
                  ]}
                />
                <tbody className="divide-y divide-slate-800">
                  {accounts.data.accounts.map((account) => (
                    <tr key={account.id} data-testid="account-row">
                      <td className="py-2 pr-4 font-medium">
                        {account.name} {account.id === me.id && <span className="text-xs text-slate-400">(you)</span>}{" "}
                        {account.fromProvider && <Badge>SSO</Badge>}
                        {account.breakGlass && <Badge tone="warn">break-glass</Badge>}
                      </td>
                      <td className="py-2 pr-4">
                        <Badge tone={account.role === "admin" ? "info" : "neutral"}>{account.role}</Badge>
                      </td>
                      <td className="py-2 pr-4 text-slate-400">
                        {account.lastLoginAt ? formatAgo(account.lastLoginAt) : "never"}
                      </td>
                      <td className="py-2 pr-4 text-slate-400">{formatDateTime(account.createdAt)}</td>
                      <td className="py-2 text-right">
                        {rules && (
                          <AccountActions
                            account={account}
                            isSelf={account.id === me.id}
                            isLastAdmin={account.role === "admin" && admins <= 1}
                            rules={rules}
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Panel>
        {rules && <NewAccountForm rules={rules} />}
      </div>
      <ApiTokensPanel />
    </>
  );
}
