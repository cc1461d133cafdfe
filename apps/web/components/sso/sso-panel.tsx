"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Panel } from "@/components/ui/panel";
import { useTRPC } from "@/lib/trpc";

/** Settings: whether single sign-on is configured and which groups give which role (read-only: set in the environment). */
export function SsoPanel() {
  const trpc = useTRPC();
  const sso = useQuery(trpc.admin.sso.get.queryOptions()).data;
  if (!sso) return null;
  return (
    <Panel
      title="Single sign-on"
      labelledBy="sso-title"
      description="Set in the server's environment (SLS_OIDC_*, SLS_LOCAL_LOGIN); shown here read-only."
    >
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 px-5 py-4 text-sm" data-testid="sso-settings">
        <dt className="text-slate-400">Status</dt>
        <dd>
          {!sso.configured ? (
            <Badge>not configured</Badge>
          ) : sso.reachable ? (
            <Badge tone="info">configured</Badge>
          ) : (
            <Badge tone="warn">configured, provider not reached</Badge>
          )}
        </dd>
        {sso.configured && (
          <>
            <dt className="text-slate-400">Provider</dt>
            <dd className="break-all">{sso.issuer}</dd>
            <dt className="text-slate-400">Groups claim</dt>
            <dd>{sso.groupsClaim}</dd>
            <dt className="text-slate-400">Admin role</dt>
            <dd data-testid="sso-admin-groups">{sso.adminGroups.join(", ") || "no group"}</dd>
            <dt className="text-slate-400">Viewer role</dt>
            <dd data-testid="sso-viewer-groups">{sso.viewerGroups.join(", ") || "no group"}</dd>
          </>
        )}
        <dt className="text-slate-400">Password sign-in</dt>
        <dd>{sso.localLogin ? "every local account" : "break-glass accounts only"}</dd>
      </dl>
    </Panel>
  );
}

/** Overview: a configured provider that has not been reached, so "Sign in with SSO" cannot work yet. */
export function SsoUnreachableWarning() {
  const trpc = useTRPC();
  const sso = useQuery(trpc.admin.sso.get.queryOptions(undefined, { refetchInterval: 15_000 })).data;
  if (!sso?.configured || sso.reachable) return null;
  return (
    <p
      role="status"
      data-testid="sso-unreachable"
      className="rounded-lg border border-amber-800 bg-amber-950/60 px-4 py-3 text-sm text-amber-200"
    >
      Single sign-on cannot be used yet: {sso.detail}. The server keeps trying; local accounts still sign in.
    </p>
  );
}
