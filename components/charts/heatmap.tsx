"use client";

import { AxisLeft, AxisTop } from "@visx/axis";
import { Group } from "@visx/group";
import { HeatmapRect } from "@visx/heatmap";
import { scaleBand, scaleLinear } from "@visx/scale";
import { ScrollRegion } from "../scroll-region";

export interface HeatmapProps {
  title: string;
  /** Row and column labels (the same models, best first). */
  labels: string[];
  /** Row-major label × label values; null where there is nothing to show. */
  values: (number | null)[];
  /** The colour scale's domain: [low, high] or [low, middle, high] for a diverging scale. */
  domain: [number, number] | [number, number, number];
  /** Shares are shown as percentages, counts as whole numbers. */
  kind: "share" | "count";
  /** The tooltip of a cell, with {row}, {column} and {value} filled in. */
  describe: string;
  testId?: string;
}

function formatValue(value: number, kind: HeatmapProps["kind"]): string {
  return kind === "share" ? `${Math.round(value * 100)}%` : value.toLocaleString("en");
}

const CELL = 30;
const LABEL_SPACE = 130;
// Colour-blind-safe blue → white → orange for diverging values; white → blue for counts.
const DIVERGING = ["#2166ac", "#f7f7f7", "#d6604d"];
const SEQUENTIAL = ["#f7fbff", "#08519c"];

function truncate(label: string, length = 18): string {
  return label.length > length ? `${label.slice(0, length - 1)}…` : label;
}

/** Dark text on light cells and light text on dark ones, by relative luminance. */
function textColour(fill: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(fill.slice(i, i + 2), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 ? "#0f172a" : "#ffffff";
}

function toHex(colour: string): string {
  if (colour.startsWith("#")) return colour;
  const parts = colour.match(/\d+/g)?.map(Number) ?? [0, 0, 0];
  return `#${parts
    .slice(0, 3)
    .map((p) => p.toString(16).padStart(2, "0"))
    .join("")}`;
}

/**
 * A model × model matrix as a heatmap in SVG (rendered on the server too, so it shows before any
 * script runs; as a client component it travels as numbers rather than as a tree of elements).
 * Each cell carries its numbers in a <title>, which browsers show on hover; small matrices
 * print them in the cells too.
 */
export function Heatmap({ title, labels, values, domain, kind, describe, testId }: HeatmapProps) {
  const n = labels.length;
  const size = n * CELL;
  const colour = scaleLinear<string>({ domain, range: domain.length === 3 ? DIVERGING : SEQUENTIAL, clamp: true });
  const position = scaleBand<number>({ domain: labels.map((_, i) => i), range: [0, size] });
  const columns = labels.map((_, column) => ({
    bins: labels.map((_, row) => ({ row, value: values[row * n + column] })),
  }));
  return (
    <figure data-testid={testId}>
      <figcaption className="mb-2 text-sm font-medium">{title}</figcaption>
      <ScrollRegion label={title}>
        <svg width={size + LABEL_SPACE + 10} height={size + LABEL_SPACE + 10} role="img" aria-label={title} className="text-slate-700">
          <Group left={LABEL_SPACE} top={LABEL_SPACE}>
            <HeatmapRect
              data={columns}
              bins={(column) => column.bins}
              count={(bin) => bin.value ?? Number.NaN}
              xScale={(i) => position(i) ?? 0}
              yScale={(i) => position(i) ?? 0}
              binWidth={CELL}
              binHeight={CELL}
              gap={1}
            >
              {(cells) =>
                cells.flat().map((cell) => {
                  const value = cell.bin.value;
                  const fill = value === null ? "#e2e8f0" : toHex(colour(value));
                  const text = value === null ? "–" : formatValue(value, kind);
                  return (
                    <g key={`${cell.row}-${cell.column}`} data-cell={`${cell.row}-${cell.column}`}>
                      <rect x={cell.x} y={cell.y} width={cell.width} height={cell.height} fill={fill}>
                        <title>
                          {describe.replace("{row}", labels[cell.row]).replace("{column}", labels[cell.column]).replace("{value}", text)}
                        </title>
                      </rect>
                      {n <= 12 && (
                        <text
                          x={cell.x + cell.width / 2}
                          y={cell.y + cell.height / 2}
                          dy="0.35em"
                          textAnchor="middle"
                          fontSize={9}
                          fill={value === null ? "#475569" : textColour(fill)}
                          pointerEvents="none"
                        >
                          {text}
                        </text>
                      )}
                    </g>
                  );
                })
              }
            </HeatmapRect>
            <AxisLeft
              scale={position}
              tickFormat={(i) => truncate(labels[i as number])}
              hideAxisLine
              hideTicks
              stroke="currentColor"
              tickLabelProps={{ fontSize: 10, fill: "currentColor", textAnchor: "end", dx: -4 }}
            />
            <AxisTop
              scale={position}
              tickFormat={(i) => truncate(labels[i as number])}
              hideAxisLine
              hideTicks
              tickLabelProps={{ fontSize: 10, fill: "currentColor", textAnchor: "start", angle: -60, dy: -4 }}
            />
          </Group>
        </svg>
      </ScrollRegion>
    </figure>
  );
}
