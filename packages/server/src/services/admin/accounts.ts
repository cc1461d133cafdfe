import type { AccountRow, AccountTransaction, PoolTransaction } from "@sls/db";
import { AdminError } from "../../auth/admin-error.ts";
import { hashPassword } from "../../auth/password.ts";
import type {
  TCreateAccountInput,
  TRemoveAccountInput,
  TResetPasswordInput,
  TSetBreakGlassInput,
  TSetRoleInput,
} from "../../contracts/admin/accounts.ts";
import { newAccountId } from "./auth.ts";
import { adminActor } from "./events.ts";
import type { Services } from "../context.ts";

type AccountServices = Pick<Services, "store" | "now">;
export function listAccounts(services: Pick<Services, "store">): Promise<AccountRow[]> {
  return services.store.accounts.list();
}

export async function createAccount(
  services: AccountServices,
  by: AccountRow,
  input: TCreateAccountInput,
): Promise<AccountRow> {
  const passwordHash = await hashPassword(input.password);
  return changeAccounts(services, async (accounts, pool, at) => {
    if (await accounts.findByName(input.name)) {
      throw new AdminError("NAME_TAKEN", `An account named ${input.name} exists already; choose another name.`);
    }
    const created = await accounts.create({ id: newAccountId(), name: input.name, role: input.role, passwordHash, at });
    await pool.audit([
      {
        at,
        type: "admin.account-create",
        actor: adminActor(by),
        detail: { account: created.name, role: created.role },
      },
    ]);
    return created;
  });
}

export function setRole(services: AccountServices, by: AccountRow, input: TSetRoleInput): Promise<AccountRow> {
  return changeAccounts(services, async (accounts, pool, at) => {
    const target = local(await existing(accounts, input.id), "its role follows the provider's groups");
    if (target.role === "admin" && input.role !== "admin") await keepOneAdmin(accounts, target, "demoted");
    const updated = await accounts.setRole(target.id, input.role);
    await pool.audit([
      {
        at,
        type: "admin.account-role",
        actor: adminActor(by),
        detail: { account: target.name, from: target.role, to: input.role },
      },
    ]);
    return updated;
  });
}

/** Sets a new password and signs the account out everywhere. */
export async function resetPassword(
  services: AccountServices,
  by: AccountRow,
  input: TResetPasswordInput,
): Promise<AccountRow> {
  const passwordHash = await hashPassword(input.password);
  return changeAccounts(services, async (accounts, pool, at) => {
    const target = local(await existing(accounts, input.id), "it has no password: it signs in at the provider");
    const updated = await accounts.setPassword(target.id, passwordHash, at);
    await pool.audit([{ at, type: "admin.account-password", actor: adminActor(by), detail: { account: target.name } }]);
    return updated;
  });
}

export function removeAccount(
  services: AccountServices,
  by: AccountRow,
  input: TRemoveAccountInput,
): Promise<AccountRow> {
  return changeAccounts(services, async (accounts, pool, at) => {
    const target = await existing(accounts, input.id);
    if (target.id === by.id) {
      throw new AdminError(
        "OWN_ACCOUNT",
        "You cannot remove the account you are signed in with; ask another administrator.",
      );
    }
    if (target.role === "admin") await keepOneAdmin(accounts, target, "removed");
    await accounts.remove(target.id);
    await pool.audit([
      { at, type: "admin.account-remove", actor: adminActor(by), detail: { account: target.name, role: target.role } },
    ]);
    return target;
  });
}

/** Marks a local account break-glass (it may sign in with its password when SLS_LOCAL_LOGIN=off), or not. */
export function setBreakGlass(
  services: AccountServices,
  by: AccountRow,
  input: TSetBreakGlassInput,
): Promise<AccountRow> {
  return changeAccounts(services, async (accounts, pool, at) => {
    const target = local(await existing(accounts, input.id), "it signs in at the provider, never with a password");
    const updated = await accounts.setBreakGlass(target.id, input.breakGlass);
    await pool.audit([
      {
        at,
        type: "admin.account-break-glass",
        actor: adminActor(by),
        detail: { account: target.name, breakGlass: input.breakGlass },
      },
    ]);
    return updated;
  });
}

/** The account, if local: one from single sign-on is the provider's to manage. */
function local(account: AccountRow, why: string): AccountRow {
  if (!account.fromProvider) return account;
  throw new AdminError("MANAGED_BY_PROVIDER", `${account.name} comes from single sign-on: ${why}.`);
}

function changeAccounts<R>(
  services: AccountServices,
  work: (accounts: AccountTransaction, pool: PoolTransaction, at: Date) => Promise<R>,
): Promise<R> {
  return services.store.inPoolTransaction((pool) => work(pool.accounts, pool, new Date(services.now())));
}

async function existing(accounts: AccountTransaction, id: string): Promise<AccountRow> {
  const account = await accounts.findById(id);
  if (!account) throw new AdminError("NOT_FOUND", "That account no longer exists; reload the list.");
  return account;
}

async function keepOneAdmin(accounts: AccountTransaction, target: AccountRow, change: string): Promise<void> {
  if ((await accounts.countAdmins()) <= 1) {
    throw new AdminError(
      "LAST_ADMIN",
      `${target.name} is the last administrator and cannot be ${change}; make another account an administrator first.`,
    );
  }
}
