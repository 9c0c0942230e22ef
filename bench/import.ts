import { cpus } from "node:os";
import { disconnectDb, db } from "@/lib/db";
import { importFile } from "@/lib/imports/read-files";
import { benchDatabase, generateRows } from "./lib";

/**
 * `npm run bench:import`: imports 100,000 outputs (10,000 prompts × 10 models, which also creates
 * 450,000 judgeable pairs) from one JSONL file into a fresh database, then the same file again.
 */
const PROMPTS = Number(process.env.BENCH_PROMPTS ?? 10_000);
const MODELS = Number(process.env.BENCH_MODELS ?? 10);

const database = await benchDatabase();
try {
  const content = generateRows(PROMPTS, MODELS);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}`);
  console.log(`file: ${PROMPTS * MODELS} outputs, ${(content.length / 1e6).toFixed(1)} MB`);
  const campaign = await db.campaign.create({ data: { slug: "bench-import", name: "bench" } });
  let start = performance.now();
  const summary = await importFile(null, campaign.id, { name: "bench.jsonl", content }, (stage) => {
    if (!/^wrote \d+\//.test(stage) || stage.includes(`${PROMPTS * MODELS}/`))
      console.log(`  ${((performance.now() - start) / 1000).toFixed(2)} s  ${stage}`);
  });
  console.log(`first import: ${((performance.now() - start) / 1000).toFixed(2)} s`, JSON.stringify(summary));
  start = performance.now();
  const again = await importFile(null, campaign.id, { name: "bench.jsonl", content });
  console.log(`re-import (no changes): ${((performance.now() - start) / 1000).toFixed(2)} s`, JSON.stringify(again));
} finally {
  await disconnectDb();
  await database.stop();
}
