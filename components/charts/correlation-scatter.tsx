"use client";

import { AxisBottom, AxisLeft } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleLinear } from "@visx/scale";

export interface ScatterPoint {
  model: string;
  score: number;
  rating: number;
  ciLow: number;
  ciHigh: number;
  highlight: boolean;
}

const WIDTH = 640;
const HEIGHT = 420;
const MARGIN = { top: 20, right: 30, bottom: 50, left: 70 };

/** Benchmark score (x) against human rating with its 95% interval (y), every point labelled with its model. */
export function CorrelationScatter({
  points,
  title,
  xLabel,
  yLabel,
}: {
  points: ScatterPoint[];
  title: string;
  xLabel: string;
  yLabel: string;
}) {
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const scores = points.map((p) => p.score);
  const spread = (Math.max(...scores) - Math.min(...scores)) * 0.08 || 1;
  const x = scaleLinear<number>({
    domain: [Math.min(...scores) - spread, Math.max(...scores) + spread],
    range: [0, innerWidth],
    nice: true,
  });
  const y = scaleLinear<number>({
    domain: [Math.min(...points.map((p) => p.ciLow)) - 10, Math.max(...points.map((p) => p.ciHigh)) + 10],
    range: [innerHeight, 0],
    nice: true,
  });
  return (
    <figure className="overflow-x-auto" data-testid="correlation-scatter">
      <figcaption className="mb-2 text-sm font-medium">{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title} className="h-auto w-full max-w-[640px] text-slate-700">
        <Group left={MARGIN.left} top={MARGIN.top}>
          {points.map((p) => (
            <g key={p.model}>
              <title>{`${p.model}: score ${p.score}, rating ${p.rating.toFixed(1)} (95% ${p.ciLow.toFixed(1)} – ${p.ciHigh.toFixed(1)})`}</title>
              <line
                x1={x(p.score)}
                x2={x(p.score)}
                y1={y(p.ciLow)}
                y2={y(p.ciHigh)}
                stroke={p.highlight ? "#c2410c" : "#6366f1"}
                strokeWidth={2}
              />
              <circle cx={x(p.score)} cy={y(p.rating)} r={5} fill={p.highlight ? "#ea580c" : "#4f46e5"} />
              {/* Labels of points in the right half go to their left, so they stay inside the plot. */}
              <text
                x={x(p.score) + (x(p.score) > innerWidth / 2 ? -8 : 8)}
                y={y(p.rating)}
                dy="0.35em"
                textAnchor={x(p.score) > innerWidth / 2 ? "end" : "start"}
                fontSize={10}
                fill="currentColor"
              >
                {p.model.length > 28 ? `${p.model.slice(0, 27)}…` : p.model}
              </text>
            </g>
          ))}
          <AxisBottom
            top={innerHeight}
            scale={x}
            numTicks={6}
            stroke="currentColor"
            tickStroke="currentColor"
            label={xLabel}
            tickLabelProps={{ fontSize: 10, fill: "currentColor", textAnchor: "middle" }}
            labelProps={{ fontSize: 11, fill: "currentColor", textAnchor: "middle" }}
          />
          <AxisLeft
            scale={y}
            numTicks={6}
            stroke="currentColor"
            tickStroke="currentColor"
            label={yLabel}
            tickLabelProps={{ fontSize: 10, fill: "currentColor", textAnchor: "end", dx: -4, dy: "0.33em" }}
            labelProps={{ fontSize: 11, fill: "currentColor", textAnchor: "middle" }}
          />
        </Group>
      </svg>
    </figure>
  );
}
