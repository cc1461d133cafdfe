export type GrantedVia = "request" | "pending-served" | "transfer" | "register";
export type ReleasedReason = "load-dropped" | "reclaimed" | "grace-expired";
export type ServerRole = "main" | "backup";

export interface ParticipantEvents {
  /** The grant grew. */
  granted: { added: number; granted: number; pending: number; via: GrantedVia };
  /** The grant shrank: given back, taken back by the server, or dropped after the grace period. */
  released: { sessions: number; granted: number; pending: number; reason: ReleasedReason };
  /** Calls now go to the other server. */
  "failed-over": { from: ServerRole; to: ServerRole; baseUrl: string; reason: "unreachable" | "backup-inactive" };
  /** No server answers; the grant is kept until `until`. */
  "grace-started": { since: number; until: number; granted: number };
  /** A server answered again, or the grace period ran out and the grant was dropped. */
  "grace-ended": { reason: "reconnected" | "expired"; granted: number };
  /**
   * A call failed in a way that waiting can cure (no server reachable, refused as `OVERLOADED` or
   * `RATE_LIMITED`): it is tried again after `delayMs`, its `attempt`-th failure in a row.
   */
  retrying: { verb: string; attempt: number; delayMs: number; reason: string };
  /** A refusal the client cannot fix by itself (bad secret, awaiting approval, ...). */
  error: { verb: string; error: Error };
}

type Listener<T> = (payload: T) => void;

/** A small typed event emitter; a throwing listener cannot break the client. */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
