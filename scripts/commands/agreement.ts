import { agreementReport } from "@/lib/judges/agreement";
import { csvCell } from "@/lib/csv/write";
import type { TurnAgreement } from "@/lib/ratings/judge-agreement";
import { db } from "@/lib/db";
import { campaignBySlug } from "../lib/campaign-arg";
import { parseArgs, required, single, UsageError } from "../lib/cli-args";
import { FILTER_FLAGS, FILTER_OPTIONS, filtersFromArgs } from "../lib/filter-args";
import { USAGES } from "./usages";

export const usage = USAGES.agreement;

/**
 * JSON `{campaign, judges: [{judge, verdicts, consistency, turns: [{turn, withTie, withoutTie}],
 * kappa}], humanHuman: {turns}}` (each count `{agree, total, ratio, ciLow, ciHigh}`, null where
 * nothing was compared), or CSV with one row per judge (or `human`), turn and tie rule.
 */
export async function agreementCommand(argv: string[]): Promise<void> {
  const { values, flags } = parseArgs(argv, {
    options: ["campaign", "judge", "format", ...FILTER_OPTIONS.filter((o) => o !== "anchor")],
    flags: [...FILTER_FLAGS],
  });
  const format = single(values, "format") ?? "json";
  if (format !== "json" && format !== "csv") throw new UsageError("--format must be json or csv.");
  const campaign = await campaignBySlug(required(values, "campaign"));
  const judge = single(values, "judge");
  if (judge !== undefined && !(await db.judge.findUnique({ where: { campaignId_name: { campaignId: campaign.id, name: judge } } })))
    throw new UsageError(`campaign ${campaign.slug} has no judge "${judge}".`);
  const report = await agreementReport(campaign.id, filtersFromArgs(values, flags), judge);
  if (format === "json") {
    process.stdout.write(JSON.stringify({ campaign: campaign.slug, ...report }) + "\n");
    return;
  }
  const lines = ["judge,turn,ties,agree,total,ratio,ci_low,ci_high"];
  const rows = (name: string, turns: TurnAgreement[]) => {
    for (const turn of turns) {
      for (const [ties, count] of [
        ["with", turn.withTie],
        ["without", turn.withoutTie],
      ] as const) {
        const number = (value: number) => (Number.isFinite(value) ? value : "");
        lines.push(
          [name, turn.turn, ties, count.agree, count.total, number(count.ratio), number(count.ciLow), number(count.ciHigh)]
            .map(csvCell)
            .join(","),
        );
      }
    }
  };
  for (const entry of report.judges) rows(entry.judge, entry.turns);
  rows("human", report.humanHuman.turns);
  process.stdout.write(lines.join("\n") + "\n");
}
