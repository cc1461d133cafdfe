import { DAY_MS, HOUR_MS, MINUTE_MS } from "@sls/allocator";

const integer = new Intl.NumberFormat("en-US");
const oneDecimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium" });
const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
const dayClock = new Intl.DateTimeFormat("en-GB", { weekday: "short", hour: "2-digit", minute: "2-digit" });

export function formatCount(value: number): string {
  return integer.format(value);
}

export function formatPercent(value: number): string {
  return `${oneDecimal.format(value)} %`;
}

export function formatAgo(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  const elapsedMs = seconds * 1000;
  if (elapsedMs < MINUTE_MS) return `${seconds} s ago`;
  if (elapsedMs < HOUR_MS) return `${Math.round(elapsedMs / MINUTE_MS)} min ago`;
  if (elapsedMs < DAY_MS) return `${Math.round(elapsedMs / HOUR_MS)} h ago`;
  return `${Math.round(elapsedMs / DAY_MS)} d ago`;
}

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** Chart axis labels: a clock for an hour or a day, the weekday too for a week. */
export function formatTick(ms: number, withDay: boolean): string {
  return (withDay ? dayClock : clock).format(new Date(ms));
}
