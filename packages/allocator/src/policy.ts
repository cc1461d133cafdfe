import { AllocationError, quote } from "./errors";
import { DEFAULT_GROUP } from "./groups";
import { MAX_PLATFORM_LIMIT } from "./limits";
import { MAX_POOL_SIZE } from "./pool";

/** One group as the administrator defines it (`admin.policy.get`). */
export interface GroupDefinition {
  name: string;
  reserve: number;
  max: number | null;
  priority: number;
  paused: boolean;
  /** Members named by serial (exact, case-sensitive, like the serial itself). */
  serials: readonly string[];
  /** Globs over serial or hostname: `*` any run of characters, `?` one; case-insensitive. */
  patterns: readonly string[];
}

/**
 * The whole policy as `admin.policy.get` returns it: the groups in the administrator's order
 * (which decides membership by pattern), the pool-wide pause and the participant caps.
 * Treated as immutable once handed to the allocator: membership is compiled once per object.
 */
export interface PolicyDefinition {
  groups: readonly GroupDefinition[];
  poolPaused: boolean;
  /** serial → the most sessions that participant may be granted. A serial not listed has no cap. */
  caps: Readonly<Record<string, number>>;
}

const GROUP_NAME = /^[a-z0-9-]{1,40}$/;
const SERIAL = /^[A-Za-z0-9._-]{1,64}$/;
/** Hostnames are at most 253 characters, so no longer pattern can match anything. */
const MAX_PATTERN_LENGTH = 253;
const BAD_PATTERN_CHARACTER = /[\s\p{Cc}]/u;
const MAX_PRIORITY = 1_000_000;

/**
 * Refuses a policy that cannot be applied to a pool of `poolSize`, with a sentence that names the
 * group and the value and says what to change. Checks group by group in order, then the caps,
 * then that the reservations fit the pool (spec rule 5).
 */
export function validatePolicy(definition: PolicyDefinition, poolSize: number): void {
  const seen = new Map<string, number>();
  const namedBy = new Map<string, string>();
  for (const [index, group] of definition.groups.entries()) {
    validateName(group.name, index, seen);
    validateFigures(group, poolSize);
    for (const serial of group.serials) {
      if (!SERIAL.test(serial)) throw badSerial(`group ${quote(group.name)} names ${quote(serial)}`);
      const other = namedBy.get(serial);
      if (other !== undefined && other !== group.name) {
        throw new AllocationError(
          "SERIAL_IN_TWO_GROUPS",
          `serial ${quote(serial)} is named by groups ${quote(other)} and ${quote(group.name)}; a participant belongs to one group, so name it in one of them only`,
        );
      }
      namedBy.set(serial, group.name);
    }
    for (const pattern of group.patterns) validatePattern(pattern, group.name);
  }
  for (const [serial, cap] of Object.entries(definition.caps)) {
    if (!SERIAL.test(serial)) throw badSerial(`a participant cap names ${quote(serial)}`);
    if (!Number.isInteger(cap) || cap < 0 || cap > MAX_PLATFORM_LIMIT) {
      throw new AllocationError(
        "CAP_OUT_OF_RANGE",
        `the cap of ${quote(serial)} is ${quote(cap)}; a cap is a whole number from 0 to ${MAX_PLATFORM_LIMIT} (remove it for no cap)`,
      );
    }
  }
  assertReservesFit(definition.groups, poolSize);
}

/** Refuses reservations that add up to more than the pool, naming each group's share. */
function assertReservesFit(groups: Iterable<{ name: string; reserve: number }>, poolSize: number): void {
  const reserving = [...groups].filter((g) => g.reserve > 0);
  const reserved = reserving.reduce((sum, g) => sum + g.reserve, 0);
  if (reserved > poolSize) {
    const shares = reserving.map((g) => `${g.name} ${g.reserve}`).join(", ");
    throw new AllocationError(
      "RESERVES_EXCEED_POOL",
      `the groups reserve ${reserved} sessions (${shares}) but the pool has ${poolSize}; lower the reservations by ${reserved - poolSize} or grow the pool first`,
    );
  }
}

function validateName(name: string, index: number, seen: Map<string, number>): void {
  if (!GROUP_NAME.test(name) || name === DEFAULT_GROUP) {
    throw new AllocationError(
      "BAD_GROUP_NAME",
      `group ${index + 1} is named ${quote(name)}; a name is 1–40 characters of a–z, 0–9 and -, and "${DEFAULT_GROUP}" is the implicit group of everyone else`,
    );
  }
  const earlier = seen.get(name);
  if (earlier !== undefined) {
    throw new AllocationError(
      "DUPLICATE_GROUP",
      `groups ${earlier + 1} and ${index + 1} are both named ${quote(name)}; give each group its own name`,
    );
  }
  seen.set(name, index);
}

function validateFigures(group: GroupDefinition, poolSize: number): void {
  const { name, reserve, max, priority } = group;
  if (!Number.isInteger(reserve) || reserve < 0 || reserve > poolSize) {
    throw new AllocationError(
      "RESERVE_OUT_OF_RANGE",
      `group ${quote(name)} reserves ${quote(reserve)}; a reserve is a whole number from 0 to the pool size ${poolSize}`,
    );
  }
  if (max !== null && (!Number.isInteger(max) || max < reserve || max > MAX_POOL_SIZE)) {
    throw new AllocationError(
      "MAX_BELOW_RESERVE",
      `group ${quote(name)} has max ${quote(max)}; set no max, or a whole number from its reserve ${reserve} to ${MAX_POOL_SIZE}`,
    );
  }
  if (!Number.isInteger(priority) || Math.abs(priority) > MAX_PRIORITY) {
    throw new AllocationError(
      "PRIORITY_NOT_INTEGER",
      `group ${quote(name)} has priority ${quote(priority)}; a priority is a whole number from -${MAX_PRIORITY} to ${MAX_PRIORITY} (0 when in doubt)`,
    );
  }
}

function validatePattern(pattern: string, group: string): void {
  if (pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH || BAD_PATTERN_CHARACTER.test(pattern)) {
    throw new AllocationError(
      "BAD_PATTERN",
      `group ${quote(group)} has pattern ${quote(pattern)}; a pattern is 1–${MAX_PATTERN_LENGTH} characters without spaces or control characters, with * for any run of characters and ? for one`,
    );
  }
}

function badSerial(where: string): AllocationError {
  return new AllocationError(
    "BAD_SERIAL",
    `${where}, which is not a serial; a serial is 1–64 characters of A–Z a–z 0–9 . _ -`,
  );
}
