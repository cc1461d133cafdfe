import { formatCount } from "@/lib/format";
import { Button } from "./button";

export function Pagination({
  page,
  pageSize,
  total,
  onPage,
  noun,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  noun: string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav
      aria-label={`${noun} pages`}
      className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-400"
    >
      <span data-testid="page-summary">
        {formatCount(first)}–{formatCount(last)} of {formatCount(total)} {noun}
      </span>
      <div className="flex items-center gap-1">
        <Button size="sm" variant="ghost" onClick={() => onPage(1)} disabled={page <= 1} aria-label="First page">
          «
        </Button>
        <Button size="sm" variant="ghost" onClick={() => onPage(page - 1)} disabled={page <= 1}>
          Previous
        </Button>
        <span className="px-2 tabular-nums" aria-current="page">
          Page {formatCount(page)} of {formatCount(pages)}
        </span>
        <Button size="sm" variant="ghost" onClick={() => onPage(page + 1)} disabled={page >= pages}>
          Next
        </Button>
        <Button size="sm" variant="ghost" onClick={() => onPage(pages)} disabled={page >= pages} aria-label="Last page">
          »
        </Button>
      </div>
    </nav>
  );
}
