import { RULES } from "../../../contracts/rules.ts";

const NAME_PATTERN = new RegExp(RULES.accountName.pattern);
const MAX_LENGTH = RULES.accountName.maxLength;

/**
 * A console account name for a person from the provider: their user name, else e-mail, else
 * display name, else `sub`, folded into the account-name rules; `-2`, `-3`… when taken.
 */
export async function providerAccountName(
  claims: Record<string, unknown>,
  taken: (name: string) => Promise<boolean>,
): Promise<string> {
  const raw = [claims.preferred_username, claims.email, claims.name, claims.sub].find(
    (value): value is string => typeof value === "string" && value.trim() !== "",
  );
  const folded = (raw ?? "sso-user")
    .toLowerCase()
    .replace(/[^a-z0-9._@-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, MAX_LENGTH - 4);
  const base = NAME_PATTERN.test(folded) ? folded : "sso-user";
  for (let n = 1; n < 1000; n += 1) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!(await taken(candidate))) return candidate;
  }
  throw new Error(`no free account name for ${base}`);
}
