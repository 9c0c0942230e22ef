import "server-only";
import { recordAudit } from "@/lib/audit";
import { describeFilters, type ResultFilters } from "@/lib/results/filters";
import { copyVotes } from "./copy-votes";
import { csvToParquetInWorker } from "./parquet-in-worker";
import type { ExportFormat } from "./write-formats";

/**
 * A campaign's vote dataset as a stream of file chunks, pulled on demand (so a slow or stopped
 * reader holds the database cursor still instead of filling memory). Through the server (web and
 * API), ExportsBusy is thrown at once when every export slot is taken, and a stalled reader's
 * export is ended (lib/datasets/copy-votes.ts). The export is audited when
 * it ends, with the rows sent and whether the reader stopped early.
 */
export function exportVotes(
  actorId: string | null,
  campaign: { id: string; slug: string },
  filters: ResultFilters,
  format: ExportFormat,
  via: "api" | "cli" | "web",
  { withJudges = false }: { withJudges?: boolean } = {},
): { chunks: AsyncGenerator<Uint8Array>; rows: () => number } {
  if (withJudges && format === "parquet") throw new Error("the judges' verdicts are exported as CSV or JSON Lines");
  // CSV and JSON Lines come straight from PostgreSQL; Parquet is encoded from its CSV as it arrives.
  // Downloads through the server are limited and ended when stalled; the CLI's own export is not.
  const copied = copyVotes(campaign.id, filters, format === "parquet" ? "raw-csv" : format === "csv" ? "csv" : "jsonl", {
    guarded: via !== "cli",
    withJudges,
  });
  const encoded = format === "parquet" ? csvToParquetInWorker(copied.chunks) : copied.chunks;
  const rows = copied.rows;
  async function* audited(): AsyncGenerator<Uint8Array> {
    let complete = false;
    try {
      yield* encoded;
      complete = true;
    } finally {
      await recordAudit({
        actorId,
        action: "votes.exported",
        subjectType: "Campaign",
        subjectId: campaign.id,
        data: { format, via, rows: rows(), complete, filters: describeFilters(filters), ...(withJudges && { withJudges }) },
      }).catch(() => {});
    }
  }
  return { chunks: audited(), rows };
}

/** A web ReadableStream over the chunks: pull-driven, and a cancelled download closes the cursor. */
export function toReadableStream(chunks: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // A pull that enqueues nothing is not called again: skip empty chunks (a JSONL file has no header).
        for (;;) {
          const { value, done } = await chunks.next();
          if (done) return controller.close();
          if (value.byteLength) return controller.enqueue(value);
        }
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
