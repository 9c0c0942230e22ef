import type { Battle, Winner } from "@/lib/ratings/types";
import { normal, seededRandom } from "@/lib/ratings/random";

/**
 * Synthetic Chatbot-Arena-style battles from a known Bradley–Terry model: true ratings ~ N(1000, 150²),
 * uniformly random pairs and sides, 10% ties and 5% both-bad votes.
 */
export function simulateBattles(options: { votes: number; models: number; seed: number; trueRatings?: number[] }): {
  battles: Battle[];
  trueRatings: number[];
} {
  const random = seededRandom(options.seed, 12345);
  const trueRatings = options.trueRatings ?? Array.from({ length: options.models }, () => 1000 + 150 * normal(random));
  const names = trueRatings.map((_, i) => `model-${String(i).padStart(3, "0")}`);
  const battles: Battle[] = new Array(options.votes);
  for (let v = 0; v < options.votes; v++) {
    const a = Math.floor(random() * trueRatings.length);
    let b = Math.floor(random() * (trueRatings.length - 1));
    if (b >= a) b += 1;
    const u = random();
    let winner: Winner;
    if (u < 0.05) winner = "tie (bothbad)";
    else if (u < 0.15) winner = "tie";
    else winner = random() < 1 / (1 + Math.pow(10, (trueRatings[b] - trueRatings[a]) / 400)) ? "model_a" : "model_b";
    battles[v] = { modelA: names[a], modelB: names[b], winner };
  }
  return { battles, trueRatings };
}

export function battlesToCsv(battles: Battle[]): string {
  const lines = ["model_a,model_b,winner,tstamp"];
  battles.forEach((b, i) => lines.push(`${b.modelA},${b.modelB},${b.winner},${1700000000 + i}`));
  return lines.join("\n") + "\n";
}
