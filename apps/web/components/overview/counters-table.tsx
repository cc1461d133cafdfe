import { TableHead } from "@/components/ui/table";
import { formatCount } from "@/lib/format";
import type { RouterOutputs } from "@/lib/trpc";
import { ScrollRegion } from "@/components/ui/scroll-region";

type Counter = RouterOutputs["admin"]["overview"]["get"]["counters"][number];

/** Received / answered / failed per message type, as `show shared license` prints them. */
export function CountersTable({ counters }: { counters: Counter[] }) {
  return (
    <ScrollRegion label="Message counters">
      <table className="min-w-full text-sm" data-testid="counters">
        <TableHead
          columns={[
            { label: "Message" },
            { label: "Received", numeric: true },
            { label: "Answered", numeric: true },
            { label: "Failed", numeric: true },
          ]}
        />
        <tbody className="divide-y divide-slate-800">
          {counters.map((c) => (
            <tr key={c.messageType} data-testid={`counter-${c.messageType}`}>
              <th scope="row" className="py-2 pr-4 text-left font-medium capitalize text-slate-200">
                {c.messageType}
              </th>
              {(["received", "answered", "failed"] as const).map((column) => (
                <td
                  key={column}
                  className={`py-2 pr-4 text-right tabular-nums last:pr-0 ${column === "failed" && c[column] > 0 ? "text-amber-300" : ""}`}
                >
                  {formatCount(c[column])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
