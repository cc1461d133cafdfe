import type { Store } from "@sls/db";

type NewAlert = Parameters<Store["alerts"]["raise"]>[0];

export const ALERT_KINDS = [
  "utilisation",
  "pending-unmet",
  "reclaim",
  "backup-takeover",
  "backup-15-days",
  "backup-limit",
  "handback-done",
  "handback-failed",
  "backup-link-refused",
  "test",
  "capacity-forecast",
  "participant-late",
  "participant-silent",
  "participant-recovered",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Serials an alert about many participants names; its counts cover them all. */
export const LISTED_SERIALS = 20;

export type Alert = NewAlert & { kind: AlertKind };
export type Severity = NewAlert["severity"];

export const ALERT_TITLES: Record<AlertKind, string> = {
  utilisation: "Pool utilisation at or above the threshold",
  "pending-unmet": "Pending demand left unmet",
  reclaim: "Participants reclaimed",
  "backup-takeover": "Backup server took over",
  "backup-15-days": "Backup server active for 15 days",
  "backup-limit": "Backup server reached its operating limit",
  "handback-done": "Hand-back done",
  "handback-failed": "Hand-back failed",
  "backup-link-refused": "Backup cannot synchronise although the main server answers",
  test: "Test alert",
  "capacity-forecast": "Capacity forecast: demand reaches the pool soon",
  "participant-late": "Participants late (one refresh interval missed)",
  "participant-silent": "Participants silent (two refresh intervals missed)",
  "participant-recovered": "Late or silent participants back",
};
