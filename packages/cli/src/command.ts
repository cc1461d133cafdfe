import type { Api } from "./client.ts";
import { UsageError } from "./failures.ts";

/** An option of one command, as `util.parseArgs` takes it, with what its help says. */
export interface OptionSpec {
  type: "string" | "boolean";
  multiple?: boolean;
  /** The placeholder its help shows for the value (`--since TIME`). */
  value?: string;
  description: string;
}

export type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** What a command gets to run: the API with the token, its arguments, standard input. */
export interface Call {
  api: Api;
  args: string[];
  options: OptionValues;
  readStdin(): Promise<string>;
  /** The server's clock is not ours, but relative times (`--since 24h`) count back from here. */
  now: number;
}

/** A command's answer: the object `--json` prints, and the text a person reads. */
interface Result {
  json: unknown;
  text: string;
}

export interface Command {
  /** The words that name it: `settings set`. */
  name: string;
  /** Its arguments as its usage line shows them: `KEY VALUE`. */
  args?: string;
  /** How many arguments it takes. */
  arity: { min: number; max: number };
  summary: string;
  /** Further lines of its help. */
  details?: string[];
  options?: Record<string, OptionSpec>;
  run(call: Call): Promise<Result>;
}

interface Issue {
  path: PropertyKey[];
  message: string;
}

/** A zod schema of the server's contracts, as far as the CLI uses one. */
interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: Issue[] } };
}

/**
 * The procedure's input built from the command line, checked with the server's own schema: a bad
 * value is a usage error (exit 2) naming the option, before anything is sent.
 */
export function checked<T>(schema: Schema<T>, value: unknown, names: Record<string, string> = {}): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String);
    // The option that gave the deepest named part of the path (`filter.types.0` is `--type`).
    const named = path.map((_, i) => names[path.slice(0, path.length - i).join(".")]).find(Boolean);
    const name = named ?? path.join(".");
    return name ? `${name}: ${issue.message}` : issue.message;
  });
  throw new UsageError(problems.join("; "));
}

/** A whole number from an option, or a usage error naming it. */
export function wholeNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`${name}: must be a whole number, not ${JSON.stringify(value)}`);
  return Number(value);
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An ISO 8601 time, or a span back from now (`30m`, `24h`, `7d`), as ISO text. */
export function timeAgo(value: string | undefined, name: string, now: number): string | undefined {
  if (value === undefined) return undefined;
  const span = /^(\d+)([mhd])$/.exec(value);
  if (span) return new Date(now - Number(span[1]) * UNITS[span[2]!]!).toISOString();
  if (Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new UsageError(`${name}: give an ISO 8601 time (2026-12-01T00:00:00Z) or a span such as 30m, 24h or 7d`);
  }
  return new Date(value).toISOString();
}

/** A span forward from now (`30d`) or an ISO 8601 time, as ISO text. */
export function timeAhead(value: string | undefined, name: string, now: number): string | undefined {
  if (value === undefined) return undefined;
  const span = /^(\d+)([mhd])$/.exec(value);
  if (span) return new Date(now + Number(span[1]) * UNITS[span[2]!]!).toISOString();
  return timeAgo(value, name, now);
}

export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === "string" ? value : undefined;
}
