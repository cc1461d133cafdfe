import type { ReactNode } from "react";
import { cx } from "./cx";

/** The console's card: a titled section with optional actions on the right. */
export function Panel({
  title,
  description,
  actions,
  children,
  className,
  labelledBy,
}: {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  labelledBy?: string;
}) {
  return (
    <section
      aria-labelledby={labelledBy}
      className={cx("min-w-0 rounded-xl border border-slate-800 bg-slate-900/70 shadow-sm", className)}
    >
      {(title || actions) && (
        <header className="flex flex-wrap items-start justify-between gap-3 border-b border-slate-800 px-5 py-3.5">
          <div>
            {title && (
              <h2 id={labelledBy} className="text-sm font-semibold tracking-wide text-slate-200">
                {title}
              </h2>
            )}
            {description && <p className="mt-0.5 text-xs text-slate-400">{description}</p>}
          </div>
          {actions && <div className="flex items-center gap-2">{actions}</div>}
        </header>
      )}
      <div className="p-5">{children}</div>
    </section>
  );
}
