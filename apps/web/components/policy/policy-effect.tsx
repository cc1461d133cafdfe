import { Fragment } from "react";
import { Panel } from "@/components/ui/panel";
import { TableHead } from "@/components/ui/table";
import { formatCount } from "@/lib/format";
import type { PolicyEffect } from "@/lib/policy-form";
import { ScrollRegion } from "@/components/ui/scroll-region";

export interface Effect {
  /** current: the policy in force, previewed unchanged; preview: the form. */
  kind: "current" | "preview";
  effect: PolicyEffect;
  /** The form's text the answer is for: once the form differs, the figures are out of date. */
  typed: string;
}

const TITLES: Record<Effect["kind"], string> = {
  current: "Now, under the policy in force",
  preview: "Preview of the form",
};

const COLUMNS = [
  { label: "Group" },
  { label: "Members", numeric: true },
  { label: "Held", numeric: true },
  { label: "Reserve", numeric: true },
  { label: "Unmet reservation", numeric: true },
  { label: "Max", numeric: true },
  { label: "Pending", numeric: true },
  { label: "Granted at once", numeric: true },
];

/** Per group, as admin.policy.preview or save answered: members (and which serials), held, reserve, pending and what is served now. */
export function PolicyEffectPanel({
  effect,
  stale,
  canPreview,
}: {
  effect: Effect | null;
  stale: boolean;
  canPreview: boolean;
}) {
  const title = effect ? TITLES[effect.kind] : "Preview";
  return (
    <Panel
      title={title}
      labelledBy="policy-effect-title"
      description="What the policy does to the participants registered now; a preview changes nothing."
      className="xl:sticky xl:top-6"
    >
      <div aria-live="polite" data-testid="policy-effect" data-kind={effect?.kind ?? "none"}>
        {!canPreview && (
          <p className="mb-3 text-sm text-slate-400">
            Previews are for administrators: a preview reads every participant under the pool's lock.
          </p>
        )}
        {!effect && <p className="text-sm text-slate-400">Loading the figures under the policy in force.</p>}
        {effect && (
          <>
            {stale && (
              <p role="status" className="mb-3 text-xs font-medium text-amber-300">
                The form has changed since: press Preview again.
              </p>
            )}
            <p className="mb-3 text-sm text-slate-300" data-testid="policy-effect-served">
              {effect.kind === "current"
                ? "Sessions held and waiting per group now."
                : `Saving would grant ${formatCount(effect.effect.served)} sessions at once to waiting participants.`}
            </p>
            <ScrollRegion label="Figures per group">
              <table className="w-full text-sm">
                <TableHead columns={COLUMNS} />
                <tbody>
                  {effect.effect.groups.map((group) => (
                    <Fragment key={group.name}>
                      <tr data-testid={`effect-${group.name}`} className="border-t border-slate-800 align-top">
                        <th scope="row" className="py-2 pr-4 text-left font-medium text-slate-200">
                          {group.name}
                        </th>
                        <Figure value={group.members} id="members" />
                        <Figure value={group.held} id="held" />
                        <Figure value={group.reserve} id="reserve" />
                        <Figure value={group.unmet} id="unmet" />
                        <Figure value={group.max} id="max" />
                        <Figure value={group.pending} id="pending" />
                        <Figure value={group.served} id="served" />
                      </tr>
                      {group.memberSerials.length > 0 && (
                        <tr>
                          <td colSpan={COLUMNS.length} className="pb-2" data-testid={`effect-${group.name}-serials`}>
                            <MemberSerials serials={group.memberSerials} members={group.members} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          </>
        )}
      </div>
    </Panel>
  );
}

function Figure({ value, id }: { value: number | null; id: string }) {
  return (
    <td className="py-2 pr-4 text-right tabular-nums last:pr-0" data-testid={`effect-${id}`}>
      {value === null ? "none" : formatCount(value)}
    </td>
  );
}

function MemberSerials({ serials, members }: { serials: string[]; members: number }) {
  const more = members - serials.length;
  return (
    <p className="break-words font-mono text-xs text-slate-400">
      <span className="sr-only">Members: </span>
      {serials.join(", ")}
      {more > 0 && ` and ${formatCount(more)} more`}
    </p>
  );
}
