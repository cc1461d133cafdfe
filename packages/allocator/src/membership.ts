import { compileGlob, type Glob } from "./glob";
import { DEFAULT_GROUP } from "./groups";
import type { PolicyDefinition } from "./policy";

export interface Who {
  serial: string;
  /** Absent when unknown: only the serial is matched then. */
  hostname?: string;
}

interface Compiled {
  explicit: Map<string, string>;
  byPattern: { name: string; globs: Glob[] }[];
}

/** Compiled once per definition object (definitions are not changed once handed over). */
const compiledOf = new WeakMap<PolicyDefinition, Compiled>();

/**
 * The group a participant belongs to (spec "Membership"): the group that names its serial, else
 * the first group in order with a pattern matching its serial or hostname, else `default`.
 */
export function groupOf(definition: PolicyDefinition, who: Who): string {
  const compiled = compile(definition);
  const named = compiled.explicit.get(who.serial);
  if (named !== undefined) return named;
  const serial = who.serial.toLowerCase();
  const hostname = who.hostname?.toLowerCase();
  for (const group of compiled.byPattern) {
    for (const glob of group.globs) {
      if (glob.matches(serial) || (hostname !== undefined && glob.matches(hostname))) return group.name;
    }
  }
  return DEFAULT_GROUP;
}

function compile(definition: PolicyDefinition): Compiled {
  let compiled = compiledOf.get(definition);
  if (compiled === undefined) {
    const explicit = new Map<string, string>();
    for (const group of definition.groups) {
      for (const serial of group.serials) if (!explicit.has(serial)) explicit.set(serial, group.name);
    }
    const byPattern = definition.groups.map((group) => ({ name: group.name, globs: group.patterns.map(compileGlob) }));
    compiled = { explicit, byPattern };
    compiledOf.set(definition, compiled);
  }
  return compiled;
}
