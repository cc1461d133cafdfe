import { Badge, type Tone } from "@/components/ui/badge";

const STATE: Record<string, { tone: Tone; label: string }> = {
  active: { tone: "good", label: "active" },
  expired: { tone: "neutral", label: "expired" },
  "awaiting-approval": { tone: "warn", label: "awaiting approval" },
};

export function StateBadge({ state }: { state: string }) {
  const { tone, label } = STATE[state] ?? { tone: "neutral" as const, label: state };
  return <Badge tone={tone}>{label}</Badge>;
}
