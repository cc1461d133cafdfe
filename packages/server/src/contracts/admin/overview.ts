import type { ParticipantState } from "@sls/db/vocabulary";
import { z } from "zod";
import type { TSecretLength } from "../../auth/secret.ts";
import { USAGE_RANGE_NAMES } from "../usage-ranges.ts";

export const ZCounterRow = z.object({
  messageType: z.string(),
  received: z.number(),
  answered: z.number(),
  failed: z.number(),
});

/** The field of the overview's participant counts that carries each state. */
const STATE_COUNT_FIELDS = {
  active: "active",
  late: "late",
  silent: "silent",
  expired: "expired",
  "awaiting-approval": "awaitingApproval",
} as const satisfies Record<ParticipantState, string>;
type StateCountField = (typeof STATE_COUNT_FIELDS)[ParticipantState];

const ZParticipantCounts = z.object({
  total: z.number().int(),
  active: z.number().int(),
  /** One refresh interval missed. */
  late: z.number().int(),
  /** Two refresh intervals missed; at three the grant is reclaimed (expired). */
  silent: z.number().int(),
  expired: z.number().int(),
  awaitingApproval: z.number().int(),
} satisfies Record<"total" | StateCountField, z.ZodNumber>);

/** One pool-policy group's figures (services/admin/group-usage.ts). */
const ZGroupUsage = z.object({
  name: z.string(),
  members: z.number().int(),
  held: z.number().int(),
  reserve: z.number().int(),
  /** Reserved and held by nobody: neither in use nor available to other groups. */
  reservedUnused: z.number().int(),
  pending: z.number().int(),
  max: z.number().int().nullable(),
  paused: z.boolean(),
});
export type TGroupUsage = z.infer<typeof ZGroupUsage>;

export const ZOverview = z.object({
  configured: z.boolean(),
  secretLength: z.enum(["long", "short", "unknown"]).nullable() satisfies z.ZodType<TSecretLength | null>,
  enabled: z.boolean(),
  approvalRequired: z.boolean(),
  pool: z.object({
    poolSize: z.number().int(),
    granted: z.number().int(),
    available: z.number().int(),
    pending: z.number().int(),
    inUse: z.number().int(),
    inUseFromPool: z.number().int(),
    utilisationPct: z.number(),
    alertThresholdPct: z.number().int(),
  }),
  participants: ZParticipantCounts,
  /** The late and silent participants, the longest silent first (at most LATE_LISTED). */
  lateParticipants: z.array(
    z.object({
      serial: z.string(),
      hostname: z.string(),
      state: z.enum(["late", "silent"]),
      lastSeenAt: z.string(),
    }),
  ),
  /** Per pool-policy group, `default` last; empty without a policy. */
  groups: z.array(ZGroupUsage),
  backup: z.object({
    configured: z.boolean(),
    address: z.string().nullable(),
    serial: z.string().nullable(),
    peerSerial: z.string().nullable(),
    registered: z.boolean(),
    lastSeenAt: z.string().nullable(),
    lastSyncAt: z.string().nullable(),
    active: z.boolean(),
    operatingDaysLeft: z.number().nullable(),
    /** Failing hand-back calls; shown only once the backup has served (before, it holds nothing to hand back). */
    handbackFailure: z.object({ at: z.string(), cause: z.string() }).nullable(),
    /** Whether the backup's address answers, checked by this process while the backup is not registered yet. */
    addressCheck: z.object({ answers: z.boolean(), at: z.string(), cause: z.string().nullable() }).nullable(),
  }),
  counters: z.array(ZCounterRow),
  shedLastMinute: z.number().int(),
  servers: z.array(z.string()),
});

export const ZUsageRange = z.enum(USAGE_RANGE_NAMES);
export const ZUsageInput = z.object({ range: ZUsageRange });
export const ZUsageOutput = z.object({
  points: z.array(
    z.object({
      at: z.string(),
      poolSize: z.number().int(),
      granted: z.number().int(),
      pending: z.number().int(),
      inUse: z.number().int(),
      /** Null where no capacity sample covers the point yet. */
      inUseFromPool: z.number().int().nullable(),
    }),
  ),
});
