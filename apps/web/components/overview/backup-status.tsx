import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Panel } from "@/components/ui/panel";
import { formatAgo } from "@/lib/format";
import type { RouterOutputs } from "@/lib/trpc";

type Backup = RouterOutputs["admin"]["overview"]["get"]["backup"];

export function BackupStatus({ backup }: { backup: Backup }) {
  return (
    <Panel
      title="Backup server"
      labelledBy="backup-title"
      actions={
        <Badge tone={!backup.configured ? "neutral" : backup.active ? "warn" : backup.registered ? "good" : "warn"}>
          {roleLabel(backup)}
        </Badge>
      }
    >
      {!backup.configured ? (
        <p className="text-sm text-slate-400">
          No backup server is configured. Participants have nowhere to turn if this server becomes unreachable.{" "}
          <Link href="/settings#backup" className="text-sky-300 hover:underline">
            Configure one
          </Link>
          .
        </p>
      ) : (
        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm">
          <Item label="Address">
            <span className="font-mono">{backup.address}</span>
          </Item>
          <Item label="Serial">
            <span className="font-mono">{backup.serial}</span>
            {backup.peerSerial && <span className="text-slate-500"> · peer {backup.peerSerial}</span>}
          </Item>
          <Item label="Registered">
            {backup.registered
              ? `yes, last seen ${backup.lastSeenAt ? formatAgo(backup.lastSeenAt) : "never"}`
              : "not yet"}
          </Item>
          {!backup.registered && (
            <div className="col-span-2" data-testid="backup-address-check">
              <dt className="text-xs text-slate-400">Its address</dt>
              <dd className="mt-0.5 text-slate-100">{addressText(backup.addressCheck)}</dd>
            </div>
          )}
          <Item label="Last sync">{backup.lastSyncAt ? formatAgo(backup.lastSyncAt) : "never"}</Item>
          <Item label="Operating days left">
            {backup.operatingDaysLeft === null ? "not reported yet" : `${backup.operatingDaysLeft.toFixed(1)} of 30`}
          </Item>
          {backup.handbackFailure && (
            <div className="col-span-2" role="alert">
              <dt className="text-xs text-amber-300">Hand-back failing since {formatAgo(backup.handbackFailure.at)}</dt>
              <dd className="mt-0.5 text-amber-100">{backup.handbackFailure.cause}</dd>
            </div>
          )}
        </dl>
      )}
    </Panel>
  );
}

function addressText(check: Backup["addressCheck"]): string {
  if (!check) return "not checked yet";
  const when = formatAgo(check.at);
  if (check.answers) return `answers (checked ${when}); start the backup server or check its serial and link key`;
  return `does not answer (checked ${when}): ${check.cause ?? "no answer"}`;
}

function roleLabel(backup: Backup): string {
  if (!backup.configured) return "not configured";
  if (backup.active) return "active: serving participants";
  return backup.registered ? "standby" : "not registered";
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-400">{label}</dt>
      <dd className="mt-0.5 text-slate-100">{children}</dd>
    </div>
  );
}
