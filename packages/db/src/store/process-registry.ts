import type { Db } from "../client.ts";

export interface ProcessRow {
  serverId: string;
  startedAt: Date;
  heartbeatAt: Date;
  stoppedAt: Date | null;
}

/** Server processes sharing the database: when each started, last beat, and stopped cleanly. */
export class ProcessRegistry {
  constructor(private readonly db: Db) {}

  /** Records this process's start and returns the row of its previous run, if any. */
  async begin(serverId: string, at: Date): Promise<ProcessRow | null> {
    const previous = await this.db.serverProcess.findUnique({ where: { serverId } });
    const row = { startedAt: at, heartbeatAt: at, stoppedAt: null };
    await this.db.serverProcess.upsert({ where: { serverId }, create: { serverId, ...row }, update: row });
    return previous;
  }

  async heartbeat(serverId: string, at: Date): Promise<void> {
    await this.db.serverProcess.update({ where: { serverId }, data: { heartbeatAt: at } });
  }

  async end(serverId: string, at: Date): Promise<void> {
    await this.db.serverProcess.update({ where: { serverId }, data: { stoppedAt: at, heartbeatAt: at } });
  }

  all(): Promise<ProcessRow[]> {
    return this.db.serverProcess.findMany();
  }
}
