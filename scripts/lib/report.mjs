// Console output of scripts/sls.mjs: step banners, durations, the final summary.
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint("1");
const STATUS_LOOK = {
  pass: paint("32")("pass"),
  fail: paint("1;31")("FAIL"),
  warn: paint("1;33")("WARN"),
  skip: paint("2")("skip"),
};

export function say(line) {
  console.log(`[sls] ${line}`);
}

export function banner(title) {
  console.log(`\n${bold(`━━━ ${title} ━━━`)}`);
}

export function formatDuration(ms) {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/** A framed block that stands out in a long CI log. */
export function loudNotice(lines) {
  const width = Math.max(...lines.map((l) => l.length)) + 6;
  const edge = "!".repeat(width);
  const body = lines.map((l) => `!! ${l.padEnd(width - 6)} !!`);
  console.log(paint("1;33")(["", edge, ...body, edge, ""].join("\n")));
}

/** Prints one line per phase and the total; returns true when any phase failed. */
export function printSummary(results, totalMs) {
  const failed = results.some((r) => r.status === "fail");
  const nameWidth = Math.max(...results.map((r) => r.name.length));
  banner("summary");
  for (const r of results) {
    const time = r.status === "skip" ? "-" : formatDuration(r.ms);
    console.log(
      `  ${STATUS_LOOK[r.status]}  ${r.name.padEnd(nameWidth)}  ${time.padStart(10)}${r.note ? `  ${r.note}` : ""}`,
    );
  }
  for (const r of results.filter((r) => r.status === "fail" && r.failures?.length)) {
    console.log(`\n  ${STATUS_LOOK.fail}  ${r.name}: the lines that name failures`);
    for (const line of r.failures) console.log(`    ${line.trim()}`);
  }
  console.log(`\n  total ${formatDuration(totalMs)}: ${failed ? paint("1;31")("FAILED") : paint("32")("all passed")}`);
  return failed;
}
