import { parseArgs } from "node:util";
import { apiClient } from "./client.ts";
import type { Command } from "./command.ts";
import { ALIASES, COMMANDS } from "./commands/index.ts";
import { EXIT, failureOf, UsageError } from "./failures.ts";
import { commandHelp, GLOBAL_OPTIONS, mainHelp } from "./help.ts";

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/** The words before the first option that are not a global option's value: the command and its arguments. */
function words(argv: string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    if (arg === "--url" || arg === "--token") i++;
    else if (!arg.startsWith("-")) found.push(arg);
  }
  return found;
}

/** The command the words name, and how many of the words name it. */
function commandOf(named: string[]): { command: Command; length: number } | null {
  const byName = (name: string) => COMMANDS.find((c) => c.name === name);
  const two = byName(named.slice(0, 2).join(" "));
  if (named.length >= 2 && two) return { command: two, length: 2 };
  const one = byName(named[0] ?? "") ?? byName(ALIASES[named[0] ?? ""] ?? "");
  return one ? { command: one, length: 1 } : null;
}

function serverUrl(value: string | undefined): string {
  if (!value) throw new UsageError("no server: give --url URL or set SLS_URL");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url: ${JSON.stringify(value)} is not a URL; give e.g. https://licences.example.net`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError("--url: must start with http:// or https://");
  return url.origin + url.pathname.replace(/\/+$/, "");
}

async function readAll(stdin: Io["stdin"]): Promise<string> {
  let text = "";
  for await (const chunk of stdin) text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
  return text;
}

/** Runs `sls` with these arguments and returns its exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const say = (text: string) => io.stdout.write(`${text}\n`);
  const complain = (text: string) => io.stderr.write(`sls: ${text}\n`);
  const named = words(argv);
  const found = commandOf(named);
  if (!found) {
    const asked = argv.includes("--help") || argv.includes("-h") || named[0] === "help";
    if (asked && named.length <= 1) {
      say(mainHelp());
      return EXIT.done;
    }
    complain(
      `${named.length === 0 ? "no command given" : `unknown command: ${named.slice(0, 2).join(" ")}`}\nRun \`sls --help\` for the commands.`,
    );
    return EXIT.usage;
  }
  const { command, length } = found;
  let url = "";
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      say(commandHelp(command));
      return EXIT.done;
    }
    const args = positionals.slice(length);
    const { min, max } = command.arity;
    if (args.length < min || args.length > max) {
      const wanted = command.args ? `takes ${command.args}` : "takes no arguments";
      throw new UsageError(`${command.name} ${wanted}; got ${args.length === 0 ? "none" : args.join(" ")}`);
    }
    url = serverUrl((values.url as string | undefined) ?? io.env.SLS_URL);
    const token = (values.token as string | undefined) ?? io.env.SLS_TOKEN;
    if (!token)
      throw new UsageError(
        "no API token: give --token TOKEN or set SLS_TOKEN (create one in the console or with `sls tokens create`)",
      );
    const result = await command.run({
      api: apiClient(url, token),
      args,
      options: values,
      now: Date.now(),
      readStdin: () => {
        if (io.stdin.isTTY) io.stderr.write("(reading standard input: type it, then Enter and Ctrl-D)\n");
        return readAll(io.stdin);
      },
    });
    say(values.json ? JSON.stringify(result.json, null, 2) : result.text);
    return EXIT.done;
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    if (usage) {
      complain(`${(error as Error).message}\nRun \`sls ${command.name} --help\` for its usage.`);
      return EXIT.usage;
    }
    const failure = failureOf(error, url);
    complain(failure.message);
    return failure.exitCode;
  }
}
