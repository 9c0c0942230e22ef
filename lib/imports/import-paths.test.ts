import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createTestCampaign, uniqueSuffix } from "@/lib/testing/factories";
import { importFile, ImportRejected } from "./read-files";
import { formatImportErrors } from "./rows";

/**
 * Import paths that mutation testing found unguarded: the rejection message, each rule of a row,
 * what is trimmed and stored (gold, category, match text, style counts), the summary's kept
 * counts, the audit event, and a prompt given twice in one file with different text.
 */

const jsonl = (...rows: object[]) => rows.map((row) => JSON.stringify(row)).join("\n") + "\n";

async function rejected(campaignId: string, name: string, content: string): Promise<ImportRejected> {
  try {
    await importFile(null, campaignId, { name, content });
  } catch (error) {
    if (error instanceof ImportRejected) return error;
    throw error;
  }
  throw new Error("the import was accepted");
}

describe("import paths", () => {
  it("says how many problems a rejected file has, lists 50 and counts the rest", async () => {
    const campaign = await createTestCampaign();
    const one = await rejected(campaign.id, "one.jsonl", jsonl({ prompt_id: "p1", prompt: "  ", model: "a", output: "x" }));
    expect(one.message).toBe("The import was rejected: 1 problem.\none.jsonl:1: prompt: must not be empty");
    const many = await rejected(
      campaign.id,
      "many.jsonl",
      jsonl(...Array.from({ length: 53 }, (_, i) => ({ prompt_id: `p${i}`, prompt: "", model: "a", output: "x" }))),
    );
    const lines = many.message.split("\n");
    expect(lines[0]).toBe("The import was rejected: 53 problems.");
    expect(lines).toHaveLength(1 + 50 + 1);
    expect(lines[1]).toBe("many.jsonl:1: prompt: must not be empty");
    expect(lines.at(-1)).toBe("… and 3 more");
    expect(formatImportErrors(many.errors, 53).split("\n")).toHaveLength(53);
  });

  it.each([
    [{ prompt_id: "p", prompt: "Q", model: "a", output: "x", output_turns: ["x"] }, "give either output or output_turns, not both"],
    [{ prompt_id: "p", prompt: "Q", output: "x" }, "missing field model (an output needs its model)"],
    [{ prompt_id: "p", prompt: "Q", model: "  ", output: "x" }, "missing field model (an output needs its model)"],
    [{ prompt_id: "p", prompt: "Q", model: "a" }, "missing field output or output_turns for model a"],
    [{ prompt_id: "p", prompt: "Q", gold: "good" }, "gold marks an answer: the row needs an output"],
    [{ prompt_id: "p" }, "missing field prompt or turns"],
    [{ prompt_id: "p", prompt: "Q", model: "a", output: "x", gold: "great" }, "gold"],
    [{ prompt_id: "   ", prompt: "Q" }, "prompt_id: must not be empty"],
    [{ prompt_id: "p", turns: ["Q", " "], model: "a", output_turns: ["x", "y"] }, "turns.1: must not be empty"],
    [{ prompt_id: "p", prompt: 7 }, "prompt: expected string, found a number"],
    [{ prompt_id: "p", prompt: null }, "prompt: expected string, found null"],
    [{ prompt_id: "p", turns: { first: "Q" } }, "turns: expected array, found an object"],
  ])("rejects the row %j: %s", async (row, message) => {
    const campaign = await createTestCampaign();
    const error = await rejected(campaign.id, "row.jsonl", jsonl(row));
    expect(error.errors.map((e) => e.message).join("; ")).toContain(message);
    expect(await db.prompt.count({ where: { campaignId: campaign.id } })).toBe(0);
  });

  it.each([
    ["null", "found null"],
    ["5", "found a number"],
    ["true", "found a boolean"],
  ])("rejects the line %s: expected a JSON object, %s", async (line, found) => {
    const campaign = await createTestCampaign();
    const error = await rejected(campaign.id, "lines.jsonl", `${line}\n`);
    expect(error.errors.map((e) => e.message)).toEqual([`expected a JSON object, ${found}`]);
  });

  it("rejects a prompt given twice in one file with different turns, and accepts it repeated identically", async () => {
    const campaign = await createTestCampaign();
    const differs = await rejected(
      campaign.id,
      "twice.jsonl",
      jsonl(
        { prompt_id: "p1", turns: ["Q", "again"], model: "a", output_turns: ["x", "y"] },
        { prompt_id: "p1", turns: ["Q", "AGAIN"], model: "b", output_turns: ["x", "y"] },
      ),
    );
    expect(differs.errors.map((e) => `${e.line}: ${e.code}`)).toEqual(["2: PROMPT_DIFFERS_IN_FILE"]);
    const shorter = await rejected(
      campaign.id,
      "shorter.jsonl",
      jsonl(
        { prompt_id: "p1", turns: ["Q", "again"], model: "a", output_turns: ["x", "y"] },
        { prompt_id: "p1", turns: ["Q"], model: "b", output: "x" },
      ),
    );
    expect(shorter.errors.map((e) => e.code)).toContain("PROMPT_DIFFERS_IN_FILE");
    const summary = await importFile(null, campaign.id, {
      name: "same.jsonl",
      content: jsonl(
        { prompt_id: "p1", turns: ["Q", "again"], model: "a", output_turns: ["x", "y"] },
        { prompt_id: "p1", turns: ["Q", "again"], model: "b", output_turns: ["z", "w"] },
      ),
    });
    expect(summary).toMatchObject({ promptsAdded: 1, outputsAdded: 2, itemsAdded: 1 });
  });

  it("stores trimmed ids, names and categories, gold marks in any case, match text and style counts", async () => {
    const campaign = await createTestCampaign();
    const model = (name: string) => `${name}-${uniqueSuffix()}`;
    const [good, bad] = [model("good"), model("bad")];
    const summary = await importFile(null, campaign.id, {
      name: "gold.jsonl",
      content: jsonl(
        {
          prompt_id: "  g1 ",
          prompt: "Question?",
          category: "  math ",
          model: ` ${good} `,
          output: "## Title\n- item\n**bold**",
          gold: " GOOD ",
        },
        { prompt_id: "g1", model: bad, output: "Plain answer", gold: "Bad" },
      ),
    });
    expect(summary).toMatchObject({ promptsAdded: 1, outputsAdded: 2, modelsAdded: 2, itemsAdded: 1 });
    const prompt = await db.prompt.findFirstOrThrow({ where: { campaignId: campaign.id } });
    expect(prompt).toMatchObject({ externalId: "g1", category: "math" });
    const outputs = await db.output.findMany({ where: { promptId: prompt.id }, include: { model: true }, orderBy: { createdAt: "asc" } });
    const byModel = new Map(outputs.map((o) => [o.model.name, o]));
    expect(byModel.get(good)).toMatchObject({ gold: "GOOD" });
    expect(byModel.get(bad)).toMatchObject({ gold: "BAD" });
    // What identity-word matching reads, and style control's counts for one turn shown (length, headers, lists, bold).
    expect(byModel.get(bad)!.matchText).toBe("plain answer");
    expect(byModel.get(good)!.style).toEqual(["## Title\n- item\n**bold**".length, 1, 1, 1]);
    expect(byModel.get(bad)!.style).toEqual(["Plain answer".length, 0, 0, 0]);
  });

  it("counts what a re-import kept, and records each import as an audit event", async () => {
    const campaign = await createTestCampaign();
    const first = jsonl({ prompt_id: "p1", prompt: "Q1", model: "a", output: "x" }, { prompt_id: "p1", model: "b", output: "y" });
    await importFile(null, campaign.id, { name: "first.jsonl", content: first });
    const again = await importFile(null, campaign.id, {
      name: "again.jsonl",
      content: first + jsonl({ prompt_id: "p2", prompt: "Q2", model: "a", output: "z" }),
    });
    expect(again).toMatchObject({ promptsAdded: 1, promptsKept: 1, outputsAdded: 1, outputsKept: 2 });
    const audits = await db.auditEvent.findMany({
      where: { subjectId: campaign.id, action: "campaign.imported" },
      orderBy: { createdAt: "asc" },
    });
    expect(audits.map((a) => a.data)).toEqual([
      expect.objectContaining({ promptsAdded: 1, outputsAdded: 2 }),
      expect.objectContaining({ promptsAdded: 1, promptsKept: 1, outputsKept: 2 }),
    ]);
    expect(audits[0]).toMatchObject({ subjectType: "Campaign" });
  });

  it("reads JSON cells of a CSV (turns, output_turns, a reference list) and skips blank JSONL lines", async () => {
    const campaign = await createTestCampaign();
    const csv =
      " prompt_id , turns ,model,output_turns,reference\n" +
      'c1,"[""One?"",""Two?""]",m1,"[""A1"",""A2""]","[""R1"",""R2""]"\n' +
      'c2,"[""Solo?""]",m1,"[""B1""]",plain reference\n';
    expect(await importFile(null, campaign.id, { name: "cells.csv", content: csv })).toMatchObject({ promptsAdded: 2, outputsAdded: 2 });
    const prompts = await db.prompt.findMany({ where: { campaignId: campaign.id }, orderBy: { externalId: "asc" } });
    expect(prompts.map((p) => [p.externalId, p.turns, p.reference])).toEqual([
      ["c1", ["One?", "Two?"], ["R1", "R2"]],
      ["c2", ["Solo?"], ["plain reference"]],
    ]);
    const other = await createTestCampaign();
    const spaced = "\n" + jsonl({ prompt_id: "s1", prompt: "Q", model: "m", output: "A" }) + "   \n\n";
    expect(await importFile(null, other.id, { name: "spaced.jsonl", content: spaced })).toMatchObject({ promptsAdded: 1 });
  });
});
