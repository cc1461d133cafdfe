/** What the last hand-back call of this process found at the backup's address, for the overview's backup card. */
export interface AddressCheckResult {
  /** Something answered at the address (even with an error); false: refused, timed out, unresolvable. */
  answers: boolean;
  at: number;
  cause: string | null;
  /** The address called, with the scheme this server put in front of a bare host:port. */
  address: string;
}

/**
 * The answer of the backup's address as this process last saw it. The hand-back call doubles as
 * the check (an inactive backup answers it with "nothing to hand back"), so a backup configured
 * before it is started is shown as "not registered yet, address not answering", not as a failure.
 */
export class BackupAddressCheck {
  last: AddressCheckResult | null = null;

  record(address: string, answers: boolean, at: number, cause: string | null = null): void {
    this.last = { answers, at, cause, address };
  }
}
