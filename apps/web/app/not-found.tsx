import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 px-4 text-center">
      <p className="text-sm font-semibold text-sky-300">404</p>
      <h1 className="text-2xl font-semibold">No such page</h1>
      <p className="text-slate-400">The address may be mistyped, or the page has moved.</p>
      <Link
        href="/"
        className="mt-2 rounded-md bg-sky-500 px-3.5 py-2 text-sm font-medium text-slate-950 hover:bg-sky-400"
      >
        Go to the overview
      </Link>
    </main>
  );
}
