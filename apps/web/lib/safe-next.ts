// The rule lives with the server's contracts: the single sign-on start checks `next` the same way.
export { safeNext } from "@sls/server/contracts";
