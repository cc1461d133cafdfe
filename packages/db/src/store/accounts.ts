import type { Db } from "../client.ts";
import type { Tx } from "./pool-transaction.ts";
import type { AccountRole, AccountRow, NewAccount, ProviderIdentity, SessionRow } from "./rows.ts";

/** The account columns any answer may carry: never the password verifier. */
export const accountSelect = {
  id: true,
  name: true,
  role: true,
  createdAt: true,
  passwordChangedAt: true,
  lastLoginAt: true,
  oidcIssuer: true,
  breakGlass: true,
} as const;

export type RawAccount = Omit<AccountRow, "role" | "fromProvider"> & { role: string; oidcIssuer: string | null };

export function toAccount({ oidcIssuer, ...row }: RawAccount): AccountRow {
  return { ...row, role: row.role === "admin" ? "admin" : "viewer", fromProvider: oidcIssuer !== null };
}

/**
 * The password verifier of an account made by single sign-on: not a scrypt verifier, so no
 * password ever matches it; sign-in refuses such accounts before checking one anyway.
 */
export const PROVIDER_ACCOUNT_VERIFIER = "sso";

/**
 * Administrator accounts inside a pool transaction (`PoolTransaction.accounts`): holding the pool
 * lock, checks such as "the last admin cannot be demoted" or "setup only once" cannot race another
 * process doing the same, and the audit rows go in the same transaction as the change.
 */
export class AccountTransaction {
  constructor(private readonly tx: Tx) {}

  count(): Promise<number> {
    return this.tx.adminAccount.count();
  }

  countAdmins(): Promise<number> {
    return this.tx.adminAccount.count({ where: { role: "admin" } });
  }

  async findById(id: string): Promise<AccountRow | null> {
    const row = await this.tx.adminAccount.findUnique({ where: { id }, select: accountSelect });
    return row ? toAccount(row) : null;
  }

  async findByName(name: string): Promise<AccountRow | null> {
    const row = await this.tx.adminAccount.findUnique({ where: { name }, select: accountSelect });
    return row ? toAccount(row) : null;
  }

  async create(account: NewAccount): Promise<AccountRow> {
    const { at, ...fields } = account;
    const row = await this.tx.adminAccount.create({
      data: { ...fields, createdAt: at, passwordChangedAt: at },
      select: accountSelect,
    });
    return toAccount(row);
  }

  async findByIdentity(identity: ProviderIdentity): Promise<AccountRow | null> {
    const row = await this.tx.adminAccount.findUnique({
      where: { oidcIssuer_oidcSubject: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } },
      select: accountSelect,
    });
    return row ? toAccount(row) : null;
  }

  /** A new account for a person signing in through the provider for the first time (no password). */
  async createFromProvider(
    account: Omit<NewAccount, "passwordHash" | "breakGlass">,
    identity: ProviderIdentity,
  ): Promise<AccountRow> {
    const { at, ...fields } = account;
    const row = await this.tx.adminAccount.create({
      data: {
        ...fields,
        passwordHash: PROVIDER_ACCOUNT_VERIFIER,
        oidcIssuer: identity.issuer,
        oidcSubject: identity.subject,
        createdAt: at,
        passwordChangedAt: at,
      },
      select: accountSelect,
    });
    return toAccount(row);
  }

  async setBreakGlass(id: string, breakGlass: boolean): Promise<AccountRow> {
    return toAccount(await this.tx.adminAccount.update({ where: { id }, data: { breakGlass }, select: accountSelect }));
  }

  async setRole(id: string, role: AccountRole): Promise<AccountRow> {
    return toAccount(await this.tx.adminAccount.update({ where: { id }, data: { role }, select: accountSelect }));
  }

  /**
   * A new password also ends every session of the account. The account row is written first: its
   * lock makes a sign-in that checked the old verifier either wait and then find it changed, or
   * commit its session before the delete below reads the sessions (`startSessionIfVerifier`).
   */
  async setPassword(id: string, passwordHash: string, at: Date): Promise<AccountRow> {
    const updated = await this.tx.adminAccount.update({
      where: { id },
      data: { passwordHash, passwordChangedAt: at },
      select: accountSelect,
    });
    await this.tx.adminSession.deleteMany({ where: { accountId: id } });
    return toAccount(updated);
  }

  async remove(id: string): Promise<void> {
    await this.tx.adminAccount.delete({ where: { id } });
  }
}

/** Administrator accounts and their browser sessions. Accounts are created, changed and removed through `PoolTransaction.accounts`. */
export class AccountRepository {
  constructor(private readonly db: Db) {}

  count(): Promise<number> {
    return this.db.adminAccount.count();
  }

  async list(): Promise<AccountRow[]> {
    const rows = await this.db.adminAccount.findMany({ orderBy: { name: "asc" }, select: accountSelect });
    return rows.map(toAccount);
  }

  /** The account and its verifier, for a login attempt. */
  async credentials(name: string): Promise<{ account: AccountRow; passwordHash: string } | null> {
    const row = await this.db.adminAccount.findUnique({
      where: { name },
      select: { ...accountSelect, passwordHash: true },
    });
    if (!row) return null;
    const { passwordHash, ...account } = row;
    return { account: toAccount(account), passwordHash };
  }

  /**
   * Records the sign-in and creates its session, in one transaction, only while the account's
   * verifier is still `checkedHash` (the one the password was checked against); false, and nothing
   * written, once a password reset (or a removal) has committed. The conditional update takes the
   * account row's lock, so a reset under way is waited for and then seen.
   */
  async startSessionIfVerifier(
    session: { tokenHash: string; accountId: string; createdAt: Date; expiresAt: Date },
    checkedHash: string,
  ): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.adminAccount.updateMany({
        where: { id: session.accountId, passwordHash: checkedHash },
        data: { lastLoginAt: session.createdAt },
      });
      if (count === 0) return false;
      await tx.adminSession.create({ data: session });
      return true;
    });
  }

  async findSession(tokenHash: string): Promise<SessionRow | null> {
    const row = await this.db.adminSession.findUnique({
      where: { tokenHash },
      select: { tokenHash: true, expiresAt: true, account: { select: accountSelect } },
    });
    return row ? { ...row, account: toAccount(row.account) } : null;
  }

  async extendSession(tokenHash: string, expiresAt: Date): Promise<void> {
    await this.db.adminSession.updateMany({ where: { tokenHash }, data: { expiresAt } });
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.adminSession.deleteMany({ where: { tokenHash } });
  }

  async pruneSessions(expiredBefore: Date): Promise<number> {
    const { count } = await this.db.adminSession.deleteMany({ where: { expiresAt: { lt: expiredBefore } } });
    return count;
  }
}
