import { ZApiTokenScope, ZCreateApiTokenInput, ZRevokeApiTokenInput } from "@sls/server/contracts";
import { type Command, checked, stringOption, timeAhead } from "../command.ts";
import { table, when } from "../output.ts";

export const tokensList: Command = {
  name: "tokens list",
  arity: { min: 0, max: 0 },
  summary: "The API tokens: name, scope, state, creator, creation, last use and expiry (never the tokens).",
  details: ["`sls tokens` alone does the same."],
  async run({ api }) {
    const { tokens } = await api.admin.tokens.list.query();
    const text = table(tokens, [
      ["ID", (t) => t.id],
      ["NAME", (t) => t.name],
      ["SCOPE", (t) => t.scope],
      ["STATE", (t) => t.state],
      ["CREATED BY", (t) => t.createdBy],
      ["CREATED", (t) => when(t.createdAt)],
      ["LAST USED", (t) => when(t.lastUsedAt)],
      ["EXPIRES", (t) => when(t.expiresAt)],
    ]);
    return { json: { tokens }, text };
  },
};

export const tokensCreate: Command = {
  name: "tokens create",
  args: "NAME",
  arity: { min: 1, max: 1 },
  summary: "Create an API token and print it once: store it now, it cannot be shown again.",
  details: ["TIME is ISO 8601 (2027-01-01T00:00:00Z) or a span from now: 30m, 24h, 90d."],
  options: {
    scope: {
      type: "string",
      value: "SCOPE",
      description: `${ZApiTokenScope.options.join(" or ")}: read only, or read and change (default viewer)`,
    },
    expires: { type: "string", value: "TIME", description: "when the token stops working (default: when revoked)" },
  },
  async run({ api, args, options, now }) {
    const input = checked(
      ZCreateApiTokenInput,
      {
        name: args[0],
        scope: stringOption(options, "scope") ?? "viewer",
        expiresAt: timeAhead(stringOption(options, "expires"), "--expires", now),
      },
      { name: "NAME", scope: "--scope", expiresAt: "--expires" },
    );
    const created = await api.admin.tokens.create.mutate(input);
    const expiry = created.expiresAt ? `expires ${when(created.expiresAt)}` : "until revoked";
    const text = `Created ${created.scope} token ${created.name} (${created.id}), ${expiry}. It is shown only now:\n${created.token}`;
    return { json: created, text };
  },
};

export const tokensRevoke: Command = {
  name: "tokens revoke",
  args: "ID",
  arity: { min: 1, max: 1 },
  summary: "Revoke an API token by its id (tok_…): its next call is refused.",
  async run({ api, args }) {
    const revoked = await api.admin.tokens.revoke.mutate(checked(ZRevokeApiTokenInput, { id: args[0] }, { id: "ID" }));
    return { json: revoked, text: `Revoked token ${revoked.name} (${revoked.id}).` };
  },
};
