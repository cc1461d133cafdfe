import type { Db } from "../client.ts";
import { accountSelect, type RawAccount, toAccount } from "./accounts.ts";
import type { AccountRole, AccountRow } from "./rows.ts";
import type { Tx } from "./pool-transaction.ts";

/** An API token as the console lists it: never its hash. */
export interface ApiTokenRow {
  id: string;
  name: string;
  scope: AccountRole;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** The account that created it (its calls are audited under this account's name). */
  createdBy: string;
}

export interface NewApiToken {
  id: string;
  name: string;
  scope: AccountRole;
  tokenHash: string;
  accountId: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/** The token a bearer hash names, with its creator's account as it is now. */
export interface ApiTokenCredentials {
  token: ApiTokenRow;
  account: AccountRow;
}

const tokenSelect = {
  id: true,
  name: true,
  scope: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  account: { select: accountSelect },
} as const;

type RawToken = Omit<ApiTokenRow, "scope" | "createdBy"> & { scope: string; account: RawAccount };

function toToken(row: RawToken): ApiTokenRow {
  const { account, scope, ...fields } = row;
  return { ...fields, scope: scope === "admin" ? "admin" : "viewer", createdBy: account.name };
}

/** API tokens inside a pool transaction (`PoolTransaction.apiTokens`): created and revoked with their audit row. */
export class ApiTokenTransaction {
  constructor(private readonly tx: Tx) {}

  async create(token: NewApiToken): Promise<ApiTokenRow> {
    return toToken(await this.tx.apiToken.create({ data: token, select: tokenSelect }));
  }

  async findById(id: string): Promise<ApiTokenRow | null> {
    const row = await this.tx.apiToken.findUnique({ where: { id }, select: tokenSelect });
    return row ? toToken(row) : null;
  }

  async revoke(id: string, at: Date): Promise<ApiTokenRow> {
    return toToken(await this.tx.apiToken.update({ where: { id }, data: { revokedAt: at }, select: tokenSelect }));
  }
}

/** API tokens outside the pool lock: the list, and the lookup of every bearer call. */
export class ApiTokenRepository {
  constructor(private readonly db: Db) {}

  async list(): Promise<ApiTokenRow[]> {
    const rows = await this.db.apiToken.findMany({
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      select: tokenSelect,
    });
    return rows.map(toToken);
  }

  async findByHash(tokenHash: string): Promise<ApiTokenCredentials | null> {
    const row = await this.db.apiToken.findUnique({ where: { tokenHash }, select: tokenSelect });
    if (!row) return null;
    return { token: toToken(row), account: toAccount(row.account) };
  }

  /** Records a use, only where the last recorded one is older than `staleBefore`: at most one write per period. */
  async touch(id: string, at: Date, staleBefore: Date): Promise<void> {
    await this.db.apiToken.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
      data: { lastUsedAt: at },
    });
  }
}
