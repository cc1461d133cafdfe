import Link from "next/link";
import { Panel } from "@/components/ui/panel";
import { TableHead } from "@/components/ui/table";
import { formatCount } from "@/lib/format";
import type { RouterOutputs } from "@/lib/trpc";
import { ScrollRegion } from "@/components/ui/scroll-region";

type Group = RouterOutputs["admin"]["overview"]["get"]["groups"][number];

const FIGURES = ["members", "held", "reservedUnused", "pending"] as const;

/**
 * Per pool-policy group: what its members hold, the reservation nobody holds (kept from the other
 * groups: neither in use nor free), pending demand and the max. Shown only under a policy.
 */
export function GroupFigures({ groups }: { groups: Group[] }) {
  return (
    <Panel
      title="Groups"
      description="The pool policy's groups, default last. Reserved and unused sessions are kept from the other groups."
      labelledBy="groups-title"
    >
      <ScrollRegion label="Groups">
        <table className="min-w-full text-sm" data-testid="group-figures">
          <TableHead
            columns={[
              { label: "Group" },
              { label: "Members", numeric: true },
              { label: "Held", numeric: true },
              { label: "Reserved, unused", numeric: true },
              { label: "Pending", numeric: true },
              { label: "Max", numeric: true },
            ]}
          />
          <tbody className="divide-y divide-slate-800">
            {groups.map((g) => (
              <tr key={g.name} data-testid={`group-${g.name}`}>
                <th scope="row" className="py-2 pr-4 text-left font-medium text-slate-200">
                  {g.name}
                  {g.paused && <span className="ml-2 text-xs font-normal text-amber-300">paused</span>}
                </th>
                {FIGURES.map((figure) => (
                  <td key={figure} data-figure={figure} className="py-2 pr-4 text-right tabular-nums">
                    {formatCount(g[figure])}
                  </td>
                ))}
                <td data-figure="max" className="py-2 text-right tabular-nums">
                  {g.max === null ? "none" : formatCount(g.max)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <p className="mt-3 text-sm text-slate-400">
        <Link className="underline" href="/policy">
          Change the policy
        </Link>
      </p>
    </Panel>
  );
}
