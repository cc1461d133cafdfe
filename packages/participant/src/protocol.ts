// The appliance protocol, version 1, as seen by a participant (shared/spec/appliance-protocol.md).
// The shapes are the server's contracts, imported as types only: the import is erased, so at run
// time this package holds no server code and appliance makers can embed it without the server.
import type * as Wire from "@sls/server/contracts";

export { SESSION_BLOCK } from "@sls/allocator";

export type Verb = keyof Calls;

export type BackupInfo = Wire.TBackup;
export type RegisterInput = Wire.TRegisterInput;
export type GrantAnswer = Wire.TGrantOutput;

export interface Calls {
  register: { input: Wire.TRegisterInput; answer: Wire.TRegisterOutput };
  request: { input: Wire.TRequestInput; answer: Wire.TRequestOutput };
  refresh: { input: Wire.TRefreshInput; answer: Wire.TRefreshOutput };
  release: { input: Wire.TReleaseInput; answer: Wire.TGrantOutput };
  transfer: { input: Wire.TTransferInput; answer: Wire.TGrantOutput };
}

/** The spec's `address` of a backup server as a base URL: `host:port` gets `http://`. */
export function baseUrlOf(address: string): string {
  const trimmed = address.trim().replace(/\/+$/, "");
  return /^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}
