import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { importVotes } from "@/lib/datasets/import-votes";
import { db, disconnectDb, pool } from "@/lib/db";
import { seededRandom } from "@/lib/ratings/random";
import { DEFAULT_FILTERS } from "@/lib/results/filters";
import { getLeaderboard } from "@/lib/results/leaderboard";
import { benchDatabase } from "./lib";
import { simulateBattles } from "./ratings-data";

/**
 * `npm run bench:style-control`: the style-controlled leaderboard with intervals at 100 models ×
 * 1M votes, computed from the database (the votes' style counts stored as an import leaves them),
 * against FastChat's bootstrapped style control (bench/style_control_fastchat.py, 100 rounds, all
 * cores) on the same battles, in the same run. Prints both times and their ratio.
 */
const VOTES = Number(process.env.BENCH_VOTES ?? 1_000_000);
const MODELS = Number(process.env.BENCH_MODELS ?? 100);
const ROUNDS = Number(process.env.BENCH_PEER_ROUNDS ?? 100);
const BATCH = 100_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const database = await benchDatabase();
const dir = mkdtempSync(join(tmpdir(), "hikaku-bench-style-"));
try {
  const python = spawnSync("python3", ["-c", "import numpy, scipy; print(numpy.__version__, scipy.__version__)"], { encoding: "utf8" });
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}, numpy/scipy ${python.stdout.trim()}; ${VOTES.toLocaleString("en")} battles, ${MODELS} models`,
  );
  // Battles from a known Bradley–Terry model; each side's style counts drawn from its model's habits.
  const { battles } = simulateBattles({ votes: VOTES, models: MODELS, seed: 11 });
  const random = seededRandom(11, 7);
  const habit = Array.from({ length: MODELS }, () => ({ length: 200 + random() * 1500, markdown: Math.floor(random() * 6) }));
  const counts = new Int32Array(VOTES * 8);
  const modelIndex = (name: string) => Number(name.slice(-3));
  const log = createWriteStream(join(dir, "battles.csv"));
  const peer = createWriteStream(join(dir, "styled.csv"));
  log.write("question_id,model_a,model_b,winner,judge,tstamp\n");
  peer.write("model_a,model_b,winner,length_a,headers_a,lists_a,bold_a,length_b,headers_b,lists_b,bold_b\n");
  let logChunk = "";
  let peerChunk = "";
  for (let i = 0; i < VOTES; i++) {
    const b = battles[i];
    for (const [side, model] of [b.modelA, b.modelB].entries()) {
      const h = habit[modelIndex(model)];
      const at = i * 8 + side * 4;
      counts[at] = Math.round(h.length * (0.5 + random()));
      counts[at + 1] = Math.floor(random() * (h.markdown / 2 + 1));
      counts[at + 2] = Math.floor(random() * (h.markdown + 1));
      counts[at + 3] = Math.floor(random() * (h.markdown + 1));
    }
    logChunk += `q${i % 5000},${b.modelA},${b.modelB},${b.winner},judge-${i % 300},${1_700_000_000 + i * 0.5}\n`;
    peerChunk += `${b.modelA},${b.modelB},${b.winner},${Array.from(counts.subarray(i * 8, i * 8 + 8)).join(",")}\n`;
    if (logChunk.length > 1 << 20) {
      if (!log.write(logChunk)) await once(log, "drain");
      if (!peer.write(peerChunk)) await once(peer, "drain");
      logChunk = peerChunk = "";
    }
  }
  log.end(logChunk);
  peer.end(peerChunk);
  await Promise.all([once(log, "finish"), once(peer, "finish")]);

  const campaign = await db.campaign.create({ data: { slug: "bench-style", name: "bench" } });
  await importVotes(null, campaign.id, { path: join(dir, "battles.csv"), format: "csv" });
  // The counts an import computes from conversations, written straight in (a million
  // conversations would only make the file big): votes are numbered in file order.
  for (let start = 0; start < VOTES; start += BATCH) {
    const end = Math.min(VOTES, start + BATCH);
    const side = (offset: number) =>
      Array.from(
        { length: end - start },
        (_, k) => `{${Array.from(counts.subarray((start + k) * 8 + offset, (start + k) * 8 + offset + 4)).join(",")}}`,
      );
    await pool().query(
      `WITH numbered AS (SELECT id, row_number() OVER (ORDER BY seq) - 1 AS n FROM "Vote" WHERE "campaignId" = $1::uuid)
       UPDATE "Vote" v SET "styleA" = s.a::int[], "styleB" = s.b::int[]
       FROM numbered, unnest($2::text[], $3::text[]) WITH ORDINALITY AS s(a, b, k)
       WHERE numbered.id = v.id AND numbered.n = $4::int + s.k - 1`,
      [campaign.id, side(0), side(4), start],
    );
  }
  await pool().query(`VACUUM (ANALYZE) "Vote"`);

  const plainStarted = performance.now();
  await getLeaderboard(campaign.id, DEFAULT_FILTERS, { untilFresh: true });
  const plainMs = performance.now() - plainStarted;
  const styleStarted = performance.now();
  const view = await getLeaderboard(campaign.id, { ...DEFAULT_FILTERS, styleControl: true }, { untilFresh: true });
  const styleMs = performance.now() - styleStarted;
  if (view.state !== "ready" || !view.styleControl) throw new Error("no style-controlled board");
  const c = view.styleControl.coefficients;
  console.log(
    `hikaku: style-controlled leaderboard from the database in ${seconds(styleMs)} (the same filters without style control: ${seconds(plainMs)}; ` +
      `the difference, ${seconds(styleMs - plainMs)}, is reading the style counts and the joint fit with sandwich intervals) — ` +
      `${view.styleControl.votes.toLocaleString("en")} votes; coefficients length ${c.length.value.toFixed(3)}, lists ${c.lists.value.toFixed(3)}`,
  );

  const peerStarted = performance.now();
  const run = spawnSync("python3", ["bench/style_control_fastchat.py", join(dir, "styled.csv"), String(ROUNDS)], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`the FastChat peer failed: ${run.stderr}`);
  const peerMs = performance.now() - peerStarted;
  const timings = JSON.parse(run.stdout) as { readSeconds: number; bootstrapSeconds: number };
  console.log(
    `FastChat's method: ${ROUNDS} bootstrap rounds in ${seconds(peerMs)} wall (read ${timings.readSeconds.toFixed(2)} s, bootstrap ${timings.bootstrapSeconds.toFixed(2)} s, ${cpus().length} processes)`,
  );
  console.log(`ratio hikaku / FastChat = ${(styleMs / peerMs).toFixed(3)} (goal ≤ 0.1)`);
} finally {
  await disconnectDb();
  await database.stop();
  rmSync(dir, { recursive: true, force: true });
}
