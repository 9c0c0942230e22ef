import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { battlesToCsv, simulateBattles } from "../../bench/ratings-data";
import { sharedPath } from "@/lib/testing/shared-data";
import { runHikaku } from "@/lib/testing/cli";

const FIXTURE = sharedPath("fixtures/ratings/arena-12x5k.csv");
const reference = JSON.parse(readFileSync(FIXTURE.replace(".csv", ".reference.json"), "utf8")) as Record<
  string,
  { rating: number; online_elo: number }
>;
const dir = mkdtempSync(join(tmpdir(), "hikaku-ratings-cli-"));

interface Output {
  votes: number;
  rounds: number;
  models: { model: string; rating: number; ciLow: number; ciHigh: number; onlineElo: number; rankUpperBound: number; battles: number }[];
}

function cli(args: string[]) {
  const result = runHikaku(["ratings", ...args]);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("npm run hikaku -- ratings", () => {
  it("prints only the documented JSON, sorted by rating, matching the reference", () => {
    const { status, stdout } = cli(["--input", FIXTURE, "--rounds", "100"]);
    expect(status).toBe(0);
    const output = JSON.parse(stdout) as Output;
    expect(Object.keys(output)).toEqual(["votes", "rounds", "models"]);
    expect(output.votes).toBe(5000);
    expect(output.rounds).toBe(100);
    expect(Object.keys(output.models[0])).toEqual(["model", "rating", "ciLow", "ciHigh", "onlineElo", "rankUpperBound", "battles"]);
    const ratings = output.models.map((m) => m.rating);
    expect(ratings).toEqual([...ratings].sort((a, b) => b - a));
    for (const row of output.models) {
      expect(Math.abs(row.rating - reference[row.model].rating)).toBeLessThan(0.5);
      expect(Math.abs(row.onlineElo - reference[row.model].online_elo)).toBeLessThan(1e-6);
      expect(row.ciLow).toBeLessThan(row.rating);
      expect(row.ciHigh).toBeGreaterThan(row.rating);
    }
  });

  it("processes rows in tstamp order when the column is present, in file order otherwise", () => {
    const lines = readFileSync(FIXTURE, "utf8").trim().split("\n");
    const reversed = [lines[0], ...lines.slice(1).reverse()].join("\n");
    const withTime = JSON.parse(cli(["--input", file("reversed.csv", reversed), "--rounds", "0"]).stdout) as Output;
    for (const row of withTime.models) expect(Math.abs(row.onlineElo - reference[row.model].online_elo)).toBeLessThan(1e-6);

    const withoutTime = reversed.replace(/,\d+$/gm, "").replace(",tstamp", "");
    const fileOrder = JSON.parse(cli(["--input", file("no-time.csv", withoutTime), "--rounds", "0"]).stdout) as Output;
    const differs = fileOrder.models.some((row) => Math.abs(row.onlineElo - reference[row.model].online_elo) > 0.01);
    expect(differs).toBe(true);
  });

  it("fixes the anchor model at the given rating", () => {
    const output = JSON.parse(cli(["--input", FIXTURE, "--rounds", "50", "--anchor", "model-001=800"]).stdout) as Output;
    const anchored = output.models.find((m) => m.model === "model-001")!;
    expect(anchored.rating).toBeCloseTo(800, 9);
    const shift = 800 - reference["model-001"].rating;
    for (const row of output.models) expect(Math.abs(row.rating - (reference[row.model].rating + shift))).toBeLessThan(0.5);
  });

  it("leaves both-bad votes out of the ratings when asked", () => {
    const csv = "model_a,model_b,winner\nx,y,model_a\nx,y,model_b\ny,x,tie (bothbad)\ny,x,tie (bothbad)\nx,y,model_a\n";
    const all = JSON.parse(cli(["--input", file("bothbad.csv", csv), "--rounds", "0"]).stdout) as Output;
    const excluded = JSON.parse(cli(["--input", file("bothbad.csv", csv), "--rounds", "0", "--exclude-bothbad"]).stdout) as Output;
    const gap = (o: Output) => o.models[0].rating - o.models[1].rating;
    expect(excluded.votes).toBe(5);
    expect(gap(excluded)).toBeGreaterThan(gap(all));
  });

  it("gives the same result on one thread and on two", () => {
    const { battles } = simulateBattles({ votes: 20_000, models: 100, seed: 3 });
    const path = file("big.csv", battlesToCsv(battles));
    const one = cli(["--input", path, "--rounds", "500", "--threads", "1"]);
    const two = cli(["--input", path, "--rounds", "500", "--threads", "2"]);
    expect(one.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  });

  it.each([
    ["missing column", "model_a,model_b,outcome\nx,y,model_a\n", /line 1: missing column winner/],
    ["unknown winner", "model_a,model_b,winner\nx,y,model_a\nx,y,tie\nx,y,draw\n", /line 4: unknown winner "draw"/],
    ["empty file", "", /the file is empty/],
    ["header only", "model_a,model_b,winner\n", /header but no battles/],
    ["short row", "model_a,model_b,winner\nx,y\n", /line 2: expected 3 fields, found 2/],
  ])("rejects a file with a %s: clear message on stderr, exit code 2, nothing on stdout", (_name, csv, message) => {
    const { status, stdout, stderr } = cli(["--input", file("bad.csv", csv)]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
  });

  it("rejects bad options with exit code 2", () => {
    expect(cli(["--input", FIXTURE, "--rounds", "many"]).status).toBe(2);
    const unknownAnchor = cli(["--input", FIXTURE, "--anchor", "nobody=1000"]);
    expect(unknownAnchor.status).toBe(2);
    expect(unknownAnchor.stderr).toMatch(/anchor model "nobody" does not appear/);
    expect(unknownAnchor.stdout).toBe("");
    const missing = cli(["--input", join(dir, "missing.csv")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
  });
});
