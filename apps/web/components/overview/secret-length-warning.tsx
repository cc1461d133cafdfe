import Link from "next/link";
import { useRules } from "@/lib/use-rules";

/**
 * A shared secret set before secrets needed the minimum length keeps working; this asks for a
 * longer one. `known`: the server saw the secret and it is short; otherwise its length is not
 * known yet (no appliance has registered with it since this server process started).
 */
export function SecretLengthWarning({ known }: { known: boolean }) {
  const minLength = useRules()?.secret.minLength;
  const minimum = minLength ? `${minLength} characters` : "the minimum length";
  return (
    <p
      role="status"
      data-testid="secret-length-warning"
      className="rounded-lg border border-amber-800 bg-amber-950/60 px-4 py-3 text-sm text-amber-200"
    >
      {known
        ? `The shared secret is shorter than ${minimum}: it keeps working, but a short secret can be guessed from many addresses.`
        : `The shared secret was set before secrets needed ${minimum}; if it is shorter, it can be guessed from many addresses.`}{" "}
      <Link className="underline" href="/settings#secret">
        Set a longer one in Settings
      </Link>{" "}
      (appliances then need the new secret to register again).
    </p>
  );
}
