"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { Button } from "./button";

/**
 * A small disclosure menu ("Actions ▾"): Escape or choosing an item closes it and focus
 * returns to its button; a click elsewhere closes it too. Its items are ordinary buttons, so Tab reaches them in order.
 */
export function Menu({
  label,
  children,
  srLabel,
  caret = true,
}: {
  label: ReactNode;
  srLabel?: string;
  caret?: boolean;
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <div ref={root} className="relative inline-block text-left">
      <Button
        ref={button}
        size="sm"
        variant="ghost"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
        aria-label={srLabel}
      >
        {label}
        {caret && <span aria-hidden>▾</span>}
      </Button>
      {open && (
        <div
          id={id}
          className="absolute right-0 z-20 mt-1 flex w-44 flex-col gap-0.5 rounded-lg border border-slate-700 bg-slate-900 p-1 shadow-xl"
        >
          {children(() => {
            // The item goes with the menu: focus goes back to the menu's button, where a dialog the
            // item opens returns it when it closes.
            setOpen(false);
            button.current?.focus();
          })}
        </div>
      )}
    </div>
  );
}

export function MenuItem({
  children,
  onSelect,
  danger = false,
  disabled = false,
  title,
}: {
  children: ReactNode;
  onSelect: () => void;
  danger?: boolean;
  disabled?: boolean;
  title?: string | undefined;
}) {
  return (
    <button
      type="button"
      onClick={onSelect}
      disabled={disabled}
      title={title}
      className={`rounded-md px-3 py-1.5 text-left text-sm hover:bg-slate-800 disabled:cursor-not-allowed disabled:text-slate-600 disabled:hover:bg-transparent ${danger ? "text-red-300" : "text-slate-100"}`}
    >
      {children}
    </button>
  );
}
