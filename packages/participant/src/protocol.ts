// The appliance protocol, version 1, as seen by a participant (shared/spec/appliance-protocol.md).
// Written out here rather than imported from @sls/server: appliance makers embed this package
// without the server.

export const SESSION_BLOCK = 50;

export type Verb = "register" | "request" | "refresh" | "release" | "transfer";

export type BackupInfo = { address: string } | null;

export interface RegisterInput {
  secret: string;
  serial: string;
  hostname: string;
  model: string;
  platformLimit: number;
  localLimit: number;
  haPeerSerial?: string;
}

interface RegisterAnswer {
  token: string;
  role: "participant" | "backup";
  refreshIntervalSec: number;
  granted: number;
  pending: number;
  backup: BackupInfo;
}

interface RequestAnswer {
  granted: number;
  added: number;
  pending: number;
  refreshIntervalSec: number;
}

interface RefreshAnswer {
  granted: number;
  pending: number;
  refreshIntervalSec: number;
  backup: BackupInfo;
}

export interface GrantAnswer {
  granted: number;
  pending: number;
}

export interface Calls {
  register: { input: RegisterInput; answer: RegisterAnswer };
  request: { input: { sessions: number; requestId: string }; answer: RequestAnswer };
  refresh: { input: { inUse: number }; answer: RefreshAnswer };
  release: { input: { sessions: number }; answer: GrantAnswer };
  transfer: { input: { fromSerial: string }; answer: GrantAnswer };
}

/** The spec's `address` of a backup server as a base URL: `host:port` gets `http://`. */
export function baseUrlOf(address: string): string {
  const trimmed = address.trim().replace(/\/+$/, "");
  return /^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}
