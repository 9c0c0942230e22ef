"use client";

import { AxisBottom } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";

export interface RatingPoint {
  model: string;
  rating: number;
  ciLow: number;
  ciHigh: number;
}

const ROW = 22;
const LEFT = 220;
const WIDTH = 720;

/** Each model's rating as a dot with its 95% interval as a bar, best first, on a shared axis. */
export function RatingsChart({ points, title, axisLabel }: { points: RatingPoint[]; title: string; axisLabel: string }) {
  const height = points.length * ROW + 50;
  const low = Math.min(...points.map((p) => p.ciLow));
  const high = Math.max(...points.map((p) => p.ciHigh));
  const pad = Math.max(10, (high - low) * 0.05);
  const x = scaleLinear<number>({ domain: [low - pad, high + pad], range: [0, WIDTH - LEFT - 20], nice: true });
  const y = scaleBand<string>({ domain: points.map((p) => p.model), range: [0, points.length * ROW], padding: 0.3 });
  return (
    <figure className="overflow-x-auto" data-testid="ratings-chart">
      <figcaption className="mb-2 text-sm font-medium">{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={title} className="h-auto w-full max-w-[720px] text-slate-700">
        <Group left={LEFT} top={10}>
          {x.ticks(6).map((tick) => (
            <line key={tick} x1={x(tick)} x2={x(tick)} y1={0} y2={points.length * ROW} stroke="#e2e8f0" />
          ))}
          {points.map((p) => {
            const cy = (y(p.model) ?? 0) + y.bandwidth() / 2;
            return (
              <g key={p.model}>
                <title>{`${p.model}: ${p.rating.toFixed(1)} (95% ${p.ciLow.toFixed(1)} – ${p.ciHigh.toFixed(1)})`}</title>
                <text x={-8} y={cy} dy="0.35em" textAnchor="end" fontSize={11} fill="currentColor">
                  {p.model.length > 28 ? `${p.model.slice(0, 27)}…` : p.model}
                </text>
                <line x1={x(p.ciLow)} x2={x(p.ciHigh)} y1={cy} y2={cy} stroke="#4f46e5" strokeWidth={3} strokeLinecap="round" />
                <circle cx={x(p.rating)} cy={cy} r={4.5} fill="#ffffff" stroke="#312e81" strokeWidth={2} />
              </g>
            );
          })}
          <AxisBottom
            top={points.length * ROW}
            scale={x}
            numTicks={6}
            stroke="currentColor"
            tickStroke="currentColor"
            label={axisLabel}
            tickLabelProps={{ fontSize: 10, fill: "currentColor", textAnchor: "middle" }}
            labelProps={{ fontSize: 11, fill: "currentColor", textAnchor: "middle" }}
          />
        </Group>
      </svg>
    </figure>
  );
}
