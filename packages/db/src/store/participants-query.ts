import type { Db } from "../client.ts";
import type { Dialect } from "./dialect.ts";
import { PARTICIPANT_STATES, type ParticipantSortKey, type ParticipantState } from "../vocabulary.ts";
import type {
  GroupTotals,
  ParticipantPageQuery,
  ParticipantRow,
  ParticipantStateCounts,
  StateCutoffs,
} from "./rows.ts";
import { participantSelect } from "./selects.ts";

/** Read-only queries behind the admin console's participants table and overview. */
export class ParticipantQueries {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

  async page(query: ParticipantPageQuery): Promise<{ rows: ParticipantRow[]; total: number }> {
    const where = this.where(query);
    const [rows, total] = await Promise.all([
      this.db.participant.findMany({
        where,
        // serial is unique: a stable order across pages whatever the sort column.
        orderBy:
          query.sort === "serial"
            ? [{ serial: query.direction }]
            : [{ [sortColumn(query.sort)]: query.direction }, { serial: "asc" }],
        skip: query.offset,
        take: query.limit,
        select: participantSelect,
      }),
      this.db.participant.count({ where }),
    ]);
    return { rows, total };
  }

  /** One indexed count per state; the (approved, lastSeenAt) index answers each by a range. */
  async countByState(cutoffs: StateCutoffs): Promise<ParticipantStateCounts> {
    const counts = await Promise.all(
      PARTICIPANT_STATES.map((state) => this.db.participant.count({ where: stateWhere(state, cutoffs) })),
    );
    return Object.fromEntries(PARTICIPANT_STATES.map((state, i) => [state, counts[i] ?? 0])) as ParticipantStateCounts;
  }

  /** Members, Σ granted and Σ pending per pool-policy group (null: the implicit group `default`). */
  async groupTotals(): Promise<GroupTotals[]> {
    const rows = await this.db.participant.groupBy({
      by: ["policyGroup"],
      _count: { _all: true },
      _sum: { granted: true, pending: true },
    });
    return rows.map((row) => ({
      group: row.policyGroup,
      members: row._count._all,
      granted: row._sum.granted ?? 0,
      pending: row._sum.pending ?? 0,
    }));
  }

  findBySerial(serial: string): Promise<ParticipantRow | null> {
    return this.db.participant.findUnique({ where: { serial }, select: participantSelect });
  }

  private where(query: ParticipantPageQuery) {
    const search = query.search?.trim();
    return {
      ...(query.state ? stateWhere(query.state, query.cutoffs) : {}),
      ...(search
        ? {
            OR: (["serial", "hostname", "model"] as const).map((field) => ({
              [field]: { contains: search, ...this.dialect.caseInsensitive },
            })),
          }
        : {}),
    };
  }
}

/** Every sort key names a participant column: a key that does not is a compile error here. */
function sortColumn(key: ParticipantSortKey): keyof ParticipantRow {
  return key;
}

function stateWhere(state: ParticipantState, cutoffs: StateCutoffs) {
  switch (state) {
    case "awaiting-approval":
      return { approved: false };
    case "active":
      return { approved: true, lastSeenAt: { gte: cutoffs.late } };
    case "late":
      return { approved: true, lastSeenAt: { lt: cutoffs.late, gte: cutoffs.silent } };
    case "silent":
      return { approved: true, lastSeenAt: { lt: cutoffs.silent, gte: cutoffs.expired } };
    case "expired":
      return { approved: true, lastSeenAt: { lt: cutoffs.expired } };
    default:
      return unhandled(state);
  }
}

function unhandled(state: never): never {
  throw new Error(`No filter for participant state ${String(state)}`);
}
