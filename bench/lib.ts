import { migrate } from "../prisma/migrator";
import { startThrowawayDatabase, type RunningDatabase } from "../scripts/lib/local-postgres";

/** A fresh migrated PostgreSQL for one benchmark run (embedded, or a new database on DATABASE_URL's server). */
export async function benchDatabase(): Promise<RunningDatabase> {
  const database = await startThrowawayDatabase();
  await migrate(database.url);
  process.env.DATABASE_URL = database.url;
  return database;
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))];
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;

/** `prompts` prompts × `models` models as import rows (one JSONL line per output, ~300 characters each). */
export function generateRows(prompts: number, models: number): string {
  const lines: string[] = [];
  for (let p = 0; p < prompts; p++) {
    const prompt = `ベンチマーク用の質問 ${p}: 次の文章を要約してください。The quick brown fox jumps over the lazy dog, number ${p}.`;
    for (let m = 0; m < models; m++) {
      const output = `モデル ${m} の回答 ${p}。${"これは性能測定のための文章です。".repeat(4)} Answer ${p}/${m} with some **Markdown** and \`code\`.`;
      lines.push(JSON.stringify({ prompt_id: `bench-${p}`, prompt, category: `cat-${p % 8}`, model: `bench-model-${m}`, output }));
    }
  }
  return lines.join("\n") + "\n";
}
