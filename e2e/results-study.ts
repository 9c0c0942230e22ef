import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { hikakuCli, query, scratchDir, uniqueEmail } from "./helpers";

export const PASSWORD = "a-long-enough-password";

/**
 * A campaign owned by a researcher: 4 models answering 4 prompts in two categories, 400 imported
 * battles (strong beats weak most of the time) and 20 app votes by a member annotator who always
 * prefers the weakest model, so that flagging them visibly changes the leaderboard.
 */
export function setUpStudy(suffix: string) {
  const researcher = uniqueEmail("researcher");
  const annotator = uniqueEmail("annotator");
  const slug = `study-${suffix}`;
  const models = ["apex", "brisk", "calm", "dusk"].map((m) => `${m}-${suffix}`);
  const dir = scratchDir();
  const rows = [];
  // p4 repeats p0 (the same text once normalised): the contrarian votes below are on it.
  for (let p = 0; p < 5; p++) {
    for (const model of models) {
      rows.push({
        prompt_id: `p${p}`,
        prompt: p === 4 ? "PROMPT  0" : `Prompt ${p}`,
        category: p < 2 || p === 4 ? "math" : "writing",
        model,
        output: `Answer ${models.indexOf(model)} on ${p}`,
      });
    }
  }
  writeFileSync(join(dir, "rows.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n"));
  const battles = ["question_id,model_a,model_b,winner,judge,tstamp,category,conversation_a,conversation_b"];
  // The conversations (answers of different lengths and Markdown) are what style control reads.
  const conversation = (model: number, i: number) =>
    `"${JSON.stringify([
      { role: "user", content: `Prompt ${i}` },
      { role: "assistant", content: `${model % 2 ? "## Plan\n" : ""}Answer ${model}: ${"more ".repeat(3 + ((i + model * 5) % 17))}` },
    ]).replace(/"/g, '""')}"`;
  for (let i = 0; i < 400; i++) {
    const a = i % 4;
    const b = (a + 1 + (i % 3)) % 4;
    const better = Math.min(a, b);
    const winner = i % 9 === 0 ? "tie" : (i % 7 === 0 ? Math.max(a, b) : better) === a ? "model_a" : "model_b";
    battles.push(
      `b${i},${models[a]},${models[b]},${winner},judge-${i % 5},${1_760_000_000 + i},${i % 2 ? "math" : "writing"},${conversation(a, i)},${conversation(b, i)}`,
    );
  }
  writeFileSync(join(dir, "battles.csv"), battles.join("\n") + "\n");
  writeFileSync(join(dir, "scores.csv"), `model,benchmark,score\n${models.map((m, i) => `${m},E2E bench,${9 - i * 2}`).join("\n")}\n`);
  hikakuCli(["user", "create", "--email", researcher, "--role", "RESEARCHER", "--password", PASSWORD]);
  hikakuCli(["user", "create", "--email", annotator, "--role", "ANNOTATOR", "--password", PASSWORD]);
  hikakuCli(["campaign", "create", "--slug", slug, "--name", `Study ${suffix}`, "--owner", researcher]);
  hikakuCli(["import", "--campaign", slug, "--file", join(dir, "rows.jsonl")]);
  hikakuCli(["import-votes", "--campaign", slug, "--file", join(dir, "battles.csv")]);
  hikakuCli(["campaign", "add-member", "--slug", slug, "--email", annotator]);
  hikakuCli(["campaign", "status", "--slug", slug, "--to", "ACTIVE"]);
  return { researcher, annotator, slug, models, dir };
}

export async function contrarianVotes(slug: string, annotatorEmail: string, weakest: string, strongest: string) {
  // Votes as the voting page stores them, without going through 20 pairs in the browser.
  await query(
    `INSERT INTO "Vote" (id, "campaignId", "annotatorId", "promptId", "modelAId", "modelBId", outcome, winner, "durationMs", "createdAt")
     SELECT gen_random_uuid(), c.id, u.id, p.id, w.id, s.id, 'LEFT', 'MODEL_A', 3000, now()
     FROM "Campaign" c JOIN "User" u ON u.email = $2 JOIN "Prompt" p ON p."campaignId" = c.id AND p."externalId" = 'p4'
     JOIN "Model" w ON w.name = $3 JOIN "Model" s ON s.name = $4, generate_series(1, 20)
     WHERE c.slug = $1`,
    [slug, annotatorEmail, weakest, strongest],
  );
}
