// The console's refusals are SlsErrors like every other refusal (reasons in errors.ts); the name
// stays for readability where the console raises them.
export { SlsError as AdminError } from "../errors.ts";
