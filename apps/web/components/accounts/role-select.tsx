import { useId, type SelectHTMLAttributes } from "react";

export function RoleSelect(props: SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium text-slate-200">
        Role
      </label>
      <select
        id={id}
        className="rounded-md border border-slate-700 bg-slate-950 px-3 py-2 text-sm hover:border-slate-600"
        {...props}
      >
        <option value="viewer">viewer: sees everything, changes nothing</option>
        <option value="admin">admin: changes settings, participants and accounts</option>
      </select>
    </div>
  );
}
