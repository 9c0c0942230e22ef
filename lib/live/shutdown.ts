import "server-only";
import { escapeLiteral, sql } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { openBattles } from "@/lib/lifecycle";
import { metrics } from "@/lib/metrics/metrics";
import { voidBattlesStatement } from "./finish";

/**
 * When the instance shuts down: the battles it is streaming are void with the cause `shutdown`,
 * so each annotator's stream ends with a void event (the page asks for a prompt again) instead of
 * breaking off, and their generations — pushed sides here, pulled sides at their workers — are
 * cancelled rather than left to time out.
 */
export async function voidOpenBattles(): Promise<number> {
  const ids = [...openBattles()];
  if (ids.length === 0) return 0;
  const [{ voided }] = await sql.$queryRaw<{ voided: number }[]>(
    Prisma.raw(voidBattlesStatement(`id IN (${ids.map(escapeLiteral).join(", ")})`, "shutdown", "the app instance streaming it shut down")),
  );
  if (voided > 0) metrics().liveBattlesVoid.inc({ cause: "shutdown" }, voided);
  return voided;
}
