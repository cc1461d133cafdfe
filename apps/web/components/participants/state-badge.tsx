import type { ParticipantState } from "@sls/server";
import { Badge, type Tone } from "@/components/ui/badge";

const STATE: Record<ParticipantState, { tone: Tone; label: string }> = {
  active: { tone: "good", label: "active" },
  late: { tone: "warn", label: "late" },
  silent: { tone: "bad", label: "silent" },
  expired: { tone: "neutral", label: "expired" },
  "awaiting-approval": { tone: "warn", label: "awaiting approval" },
};

export function StateBadge({ state }: { state: ParticipantState }) {
  const { tone, label } = STATE[state];
  return <Badge tone={tone}>{label}</Badge>;
}
