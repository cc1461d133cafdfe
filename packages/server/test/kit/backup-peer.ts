import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BackupLink, type TSealed } from "../../src/services/backup/link-key.ts";

export type PeerAnswer = { data: unknown } | { error: { message: string; reason: string; status: number } };

/**
 * A stand-in for the other server of a backup pair, over real HTTP: it answers tRPC mutations
 * with whatever the test's handler returns, and records what it was asked.
 */
export class FakePeer {
  readonly calls: Array<{ path: string; input: unknown }> = [];
  readonly link: BackupLink;
  private server: Server | null = null;
  port = 0;

  constructor(
    key: string,
    public handler: (path: string, input: unknown, peer: FakePeer) => PeerAnswer | Promise<PeerAnswer>,
  ) {
    this.link = new BackupLink(key, Date.now);
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  count(path: string): number {
    return this.calls.filter((c) => c.path === path).length;
  }

  async listen(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", async () => {
        const path = (req.url ?? "").replace(/^\/api\/trpc\//, "");
        const input = body ? JSON.parse(body) : null;
        this.calls.push({ path, input });
        const answer = await this.handler(path, input, this);
        const status = "error" in answer ? answer.error.status : 200;
        const json =
          "error" in answer
            ? { error: { message: answer.error.message, data: { reason: answer.error.reason } } }
            : { result: { data: answer.data } };
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  /** Seals `payload` as this peer's answer to the sealed request `input` (or to another nonce). */
  answer(
    kind: "sync" | "handback" | "register",
    input: unknown,
    payload: unknown,
    nonce = (input as TSealed).nonce,
  ): PeerAnswer {
    return { data: this.link.seal(`${kind}-answer:${nonce}`, payload) };
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** What an inactive backup answers to backup.handback: nothing to take back. */
export const INACTIVE = {
  wasActive: false,
  pool: { poolSize: 0, grantedTotal: 0, pendingTotal: 0, pendingSeq: 0 },
  participants: [],
  untouched: { granted: 0, pending: 0 },
  seen: [],
  alerts: [],
};

/** A participant as backup.sync and backup.handback carry it, for fake answers. */
export function wireParticipant(i: number, granted: number, extra: Record<string, unknown> = {}) {
  const at = new Date().toISOString();
  return {
    id: `ptc_fake${i}`,
    serial: `FAKE${i}`,
    hostname: `fake${i}.example.net`,
    model: "ASA5585-X",
    platformLimit: 1000,
    localLimit: 100,
    haPeerSerial: null,
    approved: true,
    tokenHash: `hash-${i}`,
    granted,
    pending: 0,
    pendingSeq: null,
    inUse: 0,
    highWater: 0,
    registeredAt: at,
    lastSeenAt: at,
    reclaimedAt: null,
    ...extra,
  };
}
