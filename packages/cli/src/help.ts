import type { Command, OptionSpec } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";
import { EXIT } from "./failures.ts";

/** The options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec & { short?: string }> = {
  url: {
    type: "string",
    value: "URL",
    description: "the server's address, e.g. https://licences.example.net (or SLS_URL)",
  },
  token: {
    type: "string",
    value: "TOKEN",
    description: "an API token, sls_tok_… (or SLS_TOKEN, better: arguments show in `ps`)",
  },
  json: { type: "boolean", description: "print the server's answer as JSON, for scripts" },
  help: { type: "boolean", short: "h", description: "this help, or a command's (`sls COMMAND --help`)" },
};

function optionLines(options: Record<string, OptionSpec & { short?: string }>): string[] {
  const entries = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.value ? ` ${spec.value}` : ""}`;
    return [flag, spec.description] as const;
  });
  const width = Math.max(...entries.map(([flag]) => flag.length));
  return entries.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`);
}

function usageOf(command: Command): string {
  const options = command.options ? " [options]" : "";
  return `usage: sls ${command.name}${command.args ? ` ${command.args}` : ""}${options}`;
}

/** `sls --help`: every command in one line each, the global options, the environment, the exit codes. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name}${c.args ? ` ${c.args}` : ""}`.length));
  return [
    "usage: sls [--url URL] [--token TOKEN] [--json] COMMAND [ARGS] [options]",
    "",
    "The Shared License Server's command line: the admin API, with an API token.",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${`${c.name}${c.args ? ` ${c.args}` : ""}`.padEnd(width)}  ${c.summary}`),
    "",
    "options:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "environment:",
    "  SLS_URL    the server's address, when --url is not given",
    "  SLS_TOKEN  the API token, when --token is not given",
    "",
    "exit codes:",
    `  ${EXIT.done}  done`,
    `  ${EXIT.refused}  refused by the server (its reason and message are printed)`,
    `  ${EXIT.usage}  bad usage: an unknown command or option, a missing or bad argument`,
    `  ${EXIT.unreachable}  the server did not answer (not running, wrong address, timeout)`,
    "",
    "Run `sls COMMAND --help` for a command's arguments and options.",
  ].join("\n");
}

/** `sls COMMAND --help`. */
export function commandHelp(command: Command): string {
  return [
    usageOf(command),
    "",
    command.summary,
    ...(command.details ? ["", ...command.details] : []),
    ...(command.options ? ["", "options:", ...optionLines(command.options)] : []),
    "",
    "global options: --url URL, --token TOKEN, --json, --help (see `sls --help`)",
  ].join("\n");
}

/** The reference docs/automation.md carries between its markers: every help text above. */
export function reference(): string {
  const block = (text: string) => ["```text", text, "```"].join("\n");
  return [
    block(mainHelp()),
    ...COMMANDS.map((command) => [`#### \`sls ${command.name}\``, "", block(commandHelp(command))].join("\n")),
  ].join("\n\n");
}
