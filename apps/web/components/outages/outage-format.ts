/** "2 h 5 min", "40 s": how long the backup served. */
export function formatSpan(fromIso: string, toIso: string): string {
  const seconds = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** A change's deltas, e.g. "+50 granted, −50 pending". */
export function formatDeltas(granted: number, pending: number): string {
  const parts = [granted !== 0 && `${signed(granted)} granted`, pending !== 0 && `${signed(pending)} pending`];
  return parts.filter(Boolean).join(", ") || "no change";
}
