"use client";

import { DAY_MS } from "@sls/allocator";
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount, formatDateTime, formatTick } from "@/lib/format";

export interface Series {
  key: string;
  label: string;
  color: string;
  /** `area` for amounts held, `step` for levels that jump (pool size, a participant's grant). */
  kind: "area" | "line" | "step";
}

export type Point = { at: number } & Record<string, number>;

/** A time chart over [end − spanMs, end], one Recharts composition for every chart of the console. */
export function TimeSeriesChart({
  points,
  series,
  spanMs,
  end,
  label,
}: {
  points: Point[];
  series: Series[];
  spanMs: number;
  end: number;
  label: string;
}) {
  const withDay = spanMs > DAY_MS;
  return (
    <figure aria-label={label} className="h-64 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#1e293b" vertical={false} />
          <XAxis
            dataKey="at"
            type="number"
            scale="time"
            domain={[end - spanMs, end]}
            allowDataOverflow
            tickFormatter={(ms: number) => formatTick(ms, withDay)}
            stroke="#64748b"
            fontSize={12}
            tickMargin={6}
            minTickGap={40}
          />
          <YAxis
            stroke="#64748b"
            fontSize={12}
            width={56}
            allowDecimals={false}
            tickFormatter={(v: number) => formatCount(v)}
          />
          <Tooltip
            contentStyle={{ background: "#0f172a", border: "1px solid #334155", borderRadius: 8, fontSize: 12 }}
            labelFormatter={(ms) => formatDateTime(new Date(Number(ms)).toISOString())}
            formatter={(value) => formatCount(Number(value))}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s) =>
            s.kind === "area" ? (
              <Area
                key={s.key}
                dataKey={s.key}
                name={s.label}
                type="stepAfter"
                stroke={s.color}
                fill={s.color}
                fillOpacity={0.18}
                strokeWidth={2}
                isAnimationActive={false}
              />
            ) : (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.label}
                type={s.kind === "step" ? "stepAfter" : "monotone"}
                stroke={s.color}
                strokeWidth={2}
                strokeDasharray={s.kind === "step" ? "6 4" : undefined}
                dot={false}
                isAnimationActive={false}
              />
            ),
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
