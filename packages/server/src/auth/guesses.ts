import { retryLater, SlsError } from "../errors.ts";
import type { Services } from "../services/context.ts";
import { type Admitted, admitAttempt, type GuessSubject, type Refusal } from "./rate-limit.ts";

type GuessServices = Pick<Services, "secrets" | "secretFailures" | "loginFailures" | "log">;

/**
 * Checks a registration's shared secret against the stored verifier, or throws `BAD_SECRET` /
 * `RATE_LIMITED` (with `retryAfterMs`). An address (or IPv6 /64) that is refused for its own
 * failures is refused whatever it sends, the right secret included, so a refusal tells nothing
 * about the secret; other addresses' failures only hold wrong answers back. Otherwise the secret
 * that verified last costs microseconds and no guessing budget, and so does one whose check is
 * already running (it waits for that check): a fleet registering at once pays one scrypt.
 * Anything else is a guess and is counted before it is checked (auth/rate-limit.ts).
 */
export async function checkRegistrationSecret(
  services: GuessServices,
  secret: string,
  verifier: string,
  caller: { remoteAddress: string; serial: string },
): Promise<void> {
  const { secrets } = services;
  const subject = { address: caller.remoteAddress };
  const refused = services.secretFailures.refusal(subject);
  if (refused) throw tooManyWrongSecrets(refused, caller.remoteAddress);
  const running = secrets.remembers(secret, verifier) ? Promise.resolve(true) : secrets.inProgress(secret, verifier);
  // Another caller's check of this secret may end in that caller's refusal: then this one takes its own turn.
  if (running && (await running.catch(() => false))) return;
  const guess = async () => {
    const attempt = await admitAttempt(services.secretFailures, subject, (refusal) =>
      tooManyWrongSecrets(refusal, caller.remoteAddress),
    );
    // A secret whose running check failed is counted here, and refused without a check of its own.
    return attempt.check(async () => !running && (await secrets.matches(secret, verifier, attempt.suspect)));
  };
  // Admitted and checked as the one flight of this secret: callers presenting it meanwhile (a
  // fleet registering at once) wait for this check instead of each reserving a guess.
  if (await (running ? guess() : secrets.singleFlight(secret, verifier, guess))) return;
  services.log.warn("registration refused: wrong shared secret", {
    serial: caller.serial,
    remoteAddress: caller.remoteAddress,
  });
  throw new SlsError("BAD_SECRET", "The shared secret is wrong; check the secret configured on the appliance.");
}

/**
 * Admits one console sign-in (or setup-code) attempt: waits out its delay, or throws
 * `LOGIN_RATE_LIMITED` with `retryAfterMs`. Run the password check through `check` of the answer.
 */
export function admitSignIn(services: GuessServices, subject: GuessSubject): Promise<Admitted> {
  return admitAttempt(services.loginFailures, subject, (refusal) =>
    retryLater(
      "LOGIN_RATE_LIMITED",
      `Too many failed sign-ins ${from(refusal, subject.address)}; try again in ${inSeconds(refusal)}.`,
      refusal.retryAfterMs,
    ),
  );
}

/**
 * Admits one admin call's API token the way a sign-in is admitted: unknown tokens count against
 * the same budget as wrong passwords, per address (and IPv6 /64).
 */
export function admitApiToken(services: Pick<GuessServices, "loginFailures">, address: string): Promise<Admitted> {
  return admitAttempt(services.loginFailures, { address }, (refusal) =>
    retryLater(
      "LOGIN_RATE_LIMITED",
      `Too many unknown API tokens or failed sign-ins ${from(refusal, address)}; try again in ${inSeconds(refusal)}.`,
      refusal.retryAfterMs,
    ),
  );
}

function tooManyWrongSecrets(refusal: Refusal, address: string): SlsError {
  return retryLater(
    "RATE_LIMITED",
    `Too many wrong secrets ${from(refusal, address)}; try again in ${inSeconds(refusal)}.`,
    refusal.retryAfterMs,
  );
}

function from(refusal: Refusal, address: string): string {
  return refusal.scope === "address" ? `from ${address}` : `from the network of ${address} (its /64)`;
}

function inSeconds(refusal: Refusal): string {
  return `${Math.max(1, Math.ceil(refusal.retryAfterMs / 1000))} s`;
}
