import { DEFAULT_GROUP, MAX_PLATFORM_LIMIT, MAX_POOL_SIZE } from "@sls/allocator";
import { z } from "zod";
import { ZSerial, ZWholeNumber } from "../fields.ts";

/**
 * The pool policy's shape (`/work/shared/spec/pool-policy.md`): what `admin.policy.get` returns
 * and `save` and `preview` take, and what a stored version is checked against when read. The
 * rules between fields (a max below the reserve, reservations beyond the pool, a serial in two
 * groups) are the allocator's `validatePolicy`, whose refusals name the group and the value.
 */
const ZGroupName = z
  .string()
  .regex(/^[a-z0-9-]{1,40}$/, "must be 1–40 characters of a–z, 0–9 and -")
  .refine((name) => name !== DEFAULT_GROUP, `must not be "${DEFAULT_GROUP}", the implicit group of everyone else`);

const ZPattern = z
  .string()
  .min(1, "must be 1–253 characters")
  .max(253, "must be 1–253 characters")
  .regex(/^[^\s\p{Cc}]+$/u, "must not contain spaces or control characters");

const ZPriority = ZWholeNumber({ min: -1_000_000, max: 1_000_000 });

const ZGroupDefinition = z.object({
  name: ZGroupName,
  reserve: ZWholeNumber({ min: 0, max: MAX_POOL_SIZE }),
  max: ZWholeNumber({ min: 0, max: MAX_POOL_SIZE }).nullable(),
  priority: ZPriority,
  paused: z.boolean(),
  serials: z.array(ZSerial).max(10_000, "must name at most 10,000 serials"),
  patterns: z.array(ZPattern).max(1_000, "must hold at most 1,000 patterns"),
});

export const ZPolicyDefinition = z.object({
  groups: z.array(ZGroupDefinition).max(200, "must hold at most 200 groups"),
  poolPaused: z.boolean(),
  caps: z.record(ZSerial, ZWholeNumber({ min: 0, max: MAX_PLATFORM_LIMIT })),
});
export type TPolicyDefinition = z.infer<typeof ZPolicyDefinition>;

export const ZPolicy = z.object({
  /** The version in force; null while no policy was ever saved (one first-come-first-served pool). */
  version: z.number().int().nullable(),
  savedBy: z.string().nullable(),
  savedAt: z.string().nullable(),
  definition: ZPolicyDefinition,
});
export type TPolicy = z.infer<typeof ZPolicy>;

/** Members listed per group in a preview or a save's answer (the count is always whole). */
export const MEMBERS_LISTED = 100;

const ZGroupFigures = z.object({
  name: z.string(),
  members: z.number().int(),
  /** The first members by serial, at most MEMBERS_LISTED: which serials and hostnames the patterns match. */
  memberSerials: z.array(z.string()),
  held: z.number().int(),
  reserve: z.number().int(),
  max: z.number().int().nullable(),
  /** Reserved and not held. */
  unmet: z.number().int(),
  pending: z.number().int(),
  /** Granted at once to the group's waiting members by this change. */
  served: z.number().int(),
});

export const ZPolicyEffect = z.object({
  /** Per group in the policy's order, "default" last. */
  groups: z.array(ZGroupFigures),
  served: z.number().int(),
});
export type TPolicyEffect = z.infer<typeof ZPolicyEffect>;

export const ZPolicySaved = ZPolicyEffect.extend({ version: z.number().int() });
export type TPolicySaved = z.infer<typeof ZPolicySaved>;

const ZPolicyVersion = z.object({
  version: z.number().int(),
  savedBy: z.string(),
  savedAt: z.string(),
  restores: z.number().int().nullable(),
  definition: ZPolicyDefinition,
});
export const ZPolicyHistory = z.array(ZPolicyVersion);
export type TPolicyHistory = z.infer<typeof ZPolicyHistory>;

export const ZRollbackInput = z.object({ version: z.number().int().min(1, "must be a saved version (1 or more)") });
