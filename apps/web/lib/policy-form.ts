import { MAX_PLATFORM_LIMIT, MAX_POOL_SIZE } from "@sls/allocator";
import { z } from "zod";
import { wholeNumber } from "./forms";
import type { RouterInputs, RouterOutputs } from "./trpc";

/** The whole policy as `admin.policy.get` returns it and `save` / `preview` take it. */
export type PolicyDefinition = RouterInputs["admin"]["policy"]["save"];
export type PolicyEffect = RouterOutputs["admin"]["policy"]["preview"];
type GroupUsage = RouterOutputs["admin"]["overview"]["get"]["groups"][number];

/**
 * The figures under the policy in force, from the overview's per-group figures, in a preview's
 * shape: nothing is granted at once, and members are counted, not listed.
 */
export function effectInForce(groups: GroupUsage[]): PolicyEffect {
  return {
    served: 0,
    groups: groups.map((g) => ({
      name: g.name,
      members: g.members,
      memberSerials: [],
      held: g.held,
      reserve: g.reserve,
      max: g.max,
      unmet: g.reservedUnused,
      pending: g.pending,
      served: 0,
    })),
  };
}

/** One group as the form holds it: numbers and lists as the operator types them. */
export interface GroupValues {
  name: string;
  reserve: string;
  /** Empty for no max. */
  max: string;
  priority: string;
  paused: boolean;
  /** Serials and patterns: one per line, or separated by spaces or commas. */
  serials: string;
  patterns: string;
}

export interface PolicyFormValues {
  groups: GroupValues[];
  poolPaused: boolean;
  caps: Array<{ serial: string; cap: string }>;
}

export const NEW_GROUP: GroupValues = {
  name: "",
  reserve: "0",
  max: "",
  priority: "0",
  paused: false,
  serials: "",
  patterns: "",
};

export function valuesOf(definition: PolicyDefinition): PolicyFormValues {
  return {
    groups: definition.groups.map((g) => ({
      name: g.name,
      reserve: String(g.reserve),
      max: g.max === null ? "" : String(g.max),
      priority: String(g.priority),
      paused: g.paused,
      serials: g.serials.join("\n"),
      patterns: g.patterns.join("\n"),
    })),
    poolPaused: definition.poolPaused,
    caps: Object.entries(definition.caps).map(([serial, cap]) => ({ serial, cap: String(cap) })),
  };
}

const list = z.string().transform((text) => text.split(/[\s,]+/).filter(Boolean));

const PRIORITY_MESSAGE = "Enter a whole number from -1,000,000 to 1,000,000 (0 when in doubt).";

/**
 * The browser's checks: the shape the server's schema asks for. The rules between fields (a max
 * below the reserve, reservations beyond the pool, a serial in two groups) are the server's, whose
 * refusal names the group and the value.
 */
export const ZPolicyForm = z
  .object({
    groups: z.array(
      z.object({
        name: z
          .string()
          .trim()
          .regex(/^[a-z0-9-]{1,40}$/, "Use 1–40 characters of a–z, 0–9 and -."),
        reserve: wholeNumber({ min: 0, max: MAX_POOL_SIZE }),
        max: z.union([
          z
            .string()
            .trim()
            .length(0)
            .transform(() => null),
          wholeNumber({ min: 0, max: MAX_POOL_SIZE }),
        ]),
        priority: z
          .string()
          .trim()
          .regex(/^-?\d+$/, PRIORITY_MESSAGE)
          .transform(Number)
          .pipe(z.number().min(-1_000_000, PRIORITY_MESSAGE).max(1_000_000, PRIORITY_MESSAGE)),
        paused: z.boolean(),
        serials: list,
        patterns: list,
      }),
    ),
    poolPaused: z.boolean(),
    caps: z.array(
      z.object({
        serial: z.string().trim().min(1, "Enter the participant's serial."),
        cap: wholeNumber({ min: 0, max: MAX_PLATFORM_LIMIT }),
      }),
    ),
  })
  .superRefine((values, ctx) => {
    const seen = new Set<string>();
    values.caps.forEach((cap, i) => {
      if (seen.has(cap.serial)) {
        ctx.addIssue({ code: "custom", path: ["caps", i, "serial"], message: "This serial already has a cap above." });
      }
      seen.add(cap.serial);
    });
  })
  .transform(
    (values): PolicyDefinition => ({
      groups: values.groups,
      poolPaused: values.poolPaused,
      caps: Object.fromEntries(values.caps.map((c) => [c.serial, c.cap])),
    }),
  );

/**
 * The form field a server issue's path (`groups.1.serials.3`, `caps.FTX123`) belongs to: the
 * lists are one text area each, a cap is keyed by its serial on the wire and by its row here.
 */
export function fieldOfIssue(path: string, values: PolicyFormValues): string | null {
  const [head, second, third] = path.split(".");
  if (head === "groups" && second !== undefined && third !== undefined) return `groups.${second}.${third}`;
  if (head === "caps" && second !== undefined) {
    const row = values.caps.findIndex((c) => c.serial.trim() === second);
    return row < 0 ? null : `caps.${row}.cap`;
  }
  return null;
}
