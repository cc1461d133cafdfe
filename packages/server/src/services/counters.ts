export const MESSAGE_TYPES = ["register", "request", "refresh", "release", "transfer", "sync"] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
export type Outcome = "received" | "answered" | "failed";

export interface CounterDelta {
  messageType: MessageType;
  received: number;
  answered: number;
  failed: number;
}

export interface CounterSink {
  addCounters(
    serverId: string,
    server: CounterDelta[],
    participants: Array<CounterDelta & { participantId: string }>,
  ): Promise<void>;
}

/**
 * Message counters, kept in memory and added to the database every few seconds so the hot
 * path never writes a shared counter row. A crash loses at most one flush interval of counts;
 * counts are diagnostics, not grants.
 */
export class MessageCounters {
  private server = new Map<MessageType, CounterDelta>();
  private participants = new Map<string, CounterDelta>();

  count(messageType: MessageType, outcome: Outcome, participantId?: string | null): void {
    bump(this.server, messageType, messageType, outcome);
    if (participantId) bump(this.participants, `${participantId}\u0000${messageType}`, messageType, outcome);
  }

  async flush(sink: CounterSink, serverId: string): Promise<void> {
    if (this.server.size === 0 && this.participants.size === 0) return;
    const server = [...this.server.values()];
    const participants = [...this.participants.entries()].map(([key, delta]) => ({
      ...delta,
      participantId: key.slice(0, key.indexOf("\u0000")),
    }));
    this.server = new Map();
    this.participants = new Map();
    try {
      await sink.addCounters(serverId, server, participants);
    } catch (error) {
      // Put the counts back so the next flush retries them.
      for (const delta of server) merge(this.server, delta.messageType, delta);
      for (const delta of participants)
        merge(this.participants, `${delta.participantId}\u0000${delta.messageType}`, delta);
      throw error;
    }
  }
}

function bump<K>(map: Map<K, CounterDelta>, key: K, messageType: MessageType, outcome: Outcome): void {
  let delta = map.get(key);
  if (!delta) {
    delta = { messageType, received: 0, answered: 0, failed: 0 };
    map.set(key, delta);
  }
  delta[outcome] += 1;
}

function merge<K>(map: Map<K, CounterDelta>, key: K, add: CounterDelta): void {
  const delta = map.get(key) ?? { messageType: add.messageType, received: 0, answered: 0, failed: 0 };
  delta.received += add.received;
  delta.answered += add.answered;
  delta.failed += add.failed;
  map.set(key, delta);
}
