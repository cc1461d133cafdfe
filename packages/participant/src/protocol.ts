// The appliance protocol, version 1, as seen by a participant (shared/spec/appliance-protocol.md).
// The shapes are the server's contracts, imported as types only: the import is erased, so at run
// time this package holds no server code and appliance makers can embed it without the server.
import type {
  TBackup,
  TGrantOutput,
  TRefreshInput,
  TRefreshOutput,
  TRegisterInput,
  TRegisterOutput,
  TReleaseInput,
  TRequestInput,
  TRequestOutput,
  TTransferInput,
} from "@sls/server/contracts";

export { SESSION_BLOCK } from "@sls/allocator";

export type Verb = keyof Calls;

export type BackupInfo = TBackup;
export type RegisterInput = TRegisterInput;
export type GrantAnswer = TGrantOutput;

export interface Calls {
  register: { input: TRegisterInput; answer: TRegisterOutput };
  request: { input: TRequestInput; answer: TRequestOutput };
  refresh: { input: TRefreshInput; answer: TRefreshOutput };
  release: { input: TReleaseInput; answer: TGrantOutput };
  transfer: { input: TTransferInput; answer: TGrantOutput };
}

/** The spec's `address` of a backup server as a base URL: `host:port` gets `http://`. */
export function baseUrlOf(address: string): string {
  const trimmed = address.trim().replace(/\/+$/, "");
  return /^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}
