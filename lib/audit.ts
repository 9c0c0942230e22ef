import "server-only";
import { db, type Tx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

/** Records who did what to which object; call inside the same transaction as the change when there is one. */
export async function recordAudit(
  event: { actorId: string | null; action: string; subjectType?: string; subjectId?: string; data?: Prisma.InputJsonValue },
  client: Tx | typeof db = db,
): Promise<void> {
  await client.auditEvent.create({ data: event });
}
