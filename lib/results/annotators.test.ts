import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { importVotes } from "@/lib/datasets/import-votes";
import { createTestCampaign, uniqueSuffix } from "@/lib/testing/factories";
import { annotatorReport, type AnnotatorReport } from "./annotators";
import { DEFAULT_FILTERS } from "./filters";

/**
 * A hand-built study: 15 honest judges agree on every question (m1 beats m2 on q1–q4, m3 beats
 * m1 on q5–q6), "contrarian" always picks the other model, "lefty" (one of the honest ones)
 * always clicks the left answer, and lefty also calls a seventh question (m1 vs m2) both bad.
 */
describe("annotator quality from the database", () => {
  let campaignId: string;
  // Read by the first test that asks, not in beforeAll: a mutant under test is only switched on
  // inside the tests, so a report made in beforeAll would never see one.
  let report: AnnotatorReport;
  const honest = Array.from({ length: 15 }, (_, i) => (i === 0 ? "lefty" : `judge-${i}`));

  beforeAll(async () => {
    const campaign = await createTestCampaign();
    campaignId = campaign.id;
    const suffix = uniqueSuffix();
    const [m1, m2, m3] = [`m1-${suffix}`, `m2-${suffix}`, `m3-${suffix}`];
    const rows: object[] = [];
    let tstamp = 1_770_000_000;
    const vote = (judge: string, question: string, pair: [string, string], winnerModel: string, leftModel: string, seconds: number) => {
      const rightModel = leftModel === pair[0] ? pair[1] : pair[0];
      rows.push({
        question_id: question,
        model_a: leftModel,
        model_b: rightModel,
        winner: winnerModel === leftModel ? "model_a" : "model_b",
        judge,
        tstamp: tstamp++,
        duration_ms: seconds * 1000,
      });
    };
    for (let q = 1; q <= 6; q++) {
      const pair: [string, string] = q <= 4 ? [m1, m2] : [m1, m3];
      const truth = q <= 4 ? m1 : m3;
      const other = truth === pair[0] ? pair[1] : pair[0];
      honest.forEach((judge, j) => {
        // lefty puts the winner on the left; the others alternate sides.
        const left = judge === "lefty" ? truth : (q + j) % 2 === 0 ? pair[0] : pair[1];
        vote(judge, `q${q}`, pair, truth, left, judge === "lefty" ? q * 2 : 10);
      });
      vote("contrarian", `q${q}`, pair, other, pair[0], 5);
    }
    rows.push({
      question_id: "q7",
      model_a: m1,
      model_b: m2,
      winner: "tie (bothbad)",
      judge: "lefty",
      tstamp: tstamp++,
      duration_ms: 14_000,
    });
    const dir = mkdtempSync(join(tmpdir(), "hikaku-annotators-"));
    writeFileSync(join(dir, "votes.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n"));
    await importVotes(null, campaign.id, { path: join(dir, "votes.jsonl"), format: "jsonl" });
  }, 60_000);

  // Made afresh in each test: Stryker runs, for a mutant, only the tests that reached its line.
  const readReport = async () => (report = await annotatorReport(campaignId, DEFAULT_FILTERS));

  const row = (name: string) => report.annotators.find((a) => a.name === name)!;

  it("counts every judge's votes, speed, ties and both-bad", async () => {
    await readReport();
    expect(report.votes).toBe(16 * 6 + 1);
    expect(report.annotators).toHaveLength(16);
    expect(row("lefty")).toMatchObject({ votes: 7, imported: true, medianSeconds: 8, tieRate: 0, bothBadRate: 1 / 7 });
    expect(row("contrarian")).toMatchObject({ votes: 6, medianSeconds: 5, bothBadRate: 0 });
  });

  it("finds position bias with a binomial test (6 of 6 left: p = 0.03125)", async () => {
    await readReport();
    expect(row("lefty").leftShare).toBe(1);
    expect(row("lefty").positionP).toBeCloseTo(0.03125, 12);
    expect(row("judge-1").leftShare).toBe(0.5);
    expect(row("judge-1").positionP).toBe(1);
  });

  it("measures agreement with the others' majority on the same pair", async () => {
    await readReport();
    expect(row("judge-3")).toMatchObject({ comparableItems: 6, consensusAgreement: 1 });
    expect(row("contrarian")).toMatchObject({ comparableItems: 6, consensusAgreement: 0 });
  });

  it("computes Cohen's κ for pairs of judges and the campaign's Krippendorff's α", async () => {
    await readReport();
    const kappa = (a: string, b: string) =>
      report.kappas.find(
        (k) =>
          [k.first, k.second].sort().join() ===
          [a, b]
            .map((n) => `imported:${n}`)
            .sort()
            .join(),
      );
    expect(kappa("judge-1", "judge-2")).toMatchObject({ items: 6, kappa: 1 });
    // Never agreeing; both said m1 with probabilities 4/6 and 2/6: p_e = 8/36, κ = −(8/36)/(28/36) = −2/7.
    expect(kappa("judge-1", "contrarian")!.kappa).toBeCloseTo(-2 / 7, 12);
    // 6 items of 16 labels, 15 agreeing. From the coincidence matrix (n = 96; n_m1 = 62, n_m2 = 4,
    // n_m3 = 30; 12 disagreeing pairs): α = 1 − 95·12 / (96² − 62² − 4² − 30²).
    expect(report.alpha.items).toBe(6);
    expect(report.alpha.value).toBeCloseTo(1 - (95 * 12) / (96 ** 2 - 62 ** 2 - 4 ** 2 - 30 ** 2), 12);
  });

  it("suggests flagging the judge who keeps voting against everyone else, and nobody else", async () => {
    await readReport();
    expect(row("contrarian").outlier).toMatchObject({ tested: 6, suggested: true });
    // Against the others' votes on the same model pair, nobody else ever chose contrarian's answer:
    // p = 1/(n+1) and e = √(n+1)/2, with n = 61 others on m1–m2 (60 + lefty's both-bad) and 30 on m1–m3.
    expect(row("contrarian").outlier.evidence).toBeCloseTo((62 / 4) ** 2 * (31 / 4), 6);
    for (const judge of honest) expect(row(judge).outlier.suggested, judge).toBe(false);
  });
});
