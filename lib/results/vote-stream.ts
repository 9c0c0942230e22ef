/**
 * The leaderboard's vote stream: PostgreSQL's binary COPY of (model_a id, model_b id, outcome
 * code as int2), read straight from the bytes — no object per vote, and ids mapped to model
 * numbers by their first four bytes, checked whole.
 */

/** A vote's winner as the small integer a vote stream carries in its third column (SQL, for the streams' queries). */
export const WINNER_CODE = `CASE v.winner WHEN 'MODEL_A' THEN 0 WHEN 'MODEL_B' THEN 1 WHEN 'TIE' THEN 2 ELSE 3 END`;

/** Signature (11 bytes), flags (4), header extension length (4, always 0 here). */
const HEADER = 19;
/** Field count (2) + [length (4) + uuid (16)] × 2 + [length (4) + int2 (2)], then [length (4) + int4 (4)] per extra column. */
const TUPLE = 48;
const EXTRA_INT4 = 8;

function modelIndexByUuidBytes(models: { id: string }[]): (bytes: Buffer, offset: number) => number {
  const byHead = new Map<number, { index: number; words: [number, number, number] }[]>();
  models.forEach((model, index) => {
    const bytes = Buffer.from(model.id.replace(/-/g, ""), "hex");
    const words: [number, number, number] = [bytes.readUInt32BE(4), bytes.readUInt32BE(8), bytes.readUInt32BE(12)];
    const head = bytes.readUInt32BE(0);
    byHead.set(head, [...(byHead.get(head) ?? []), { index, words }]);
  });
  return (buffer, offset) => {
    for (const { index, words } of byHead.get(buffer.readUInt32BE(offset)) ?? []) {
      if (
        buffer.readUInt32BE(offset + 4) === words[0] &&
        buffer.readUInt32BE(offset + 8) === words[1] &&
        buffer.readUInt32BE(offset + 12) === words[2]
      )
        return index;
    }
    throw new Error("a vote refers to a model that is not in the model list");
  };
}

/**
 * Calls `onVote(a, b, outcome, extra)` for every row, in stream order, with a and b indices into
 * `models` and the row's `extraInts` int4 columns after the outcome (non-null) in `extra`, which
 * is reused between rows. Rows may be split anywhere between chunks. Fails on any other layout,
 * or if the stream ends before COPY's end marker.
 */
export async function readVoteStream(
  chunks: AsyncIterable<Buffer>,
  models: { id: string }[],
  onVote: (a: number, b: number, outcome: number, extra: Int32Array) => void,
  extraInts = 0,
): Promise<void> {
  const modelAt = modelIndexByUuidBytes(models);
  const tuple = TUPLE + extraInts * EXTRA_INT4;
  const extra = new Int32Array(extraInts);
  let pending: Buffer = Buffer.alloc(0);
  let headerRead = false;
  let ended = false;
  for await (const chunk of chunks) {
    const buffer = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let offset = 0;
    if (!headerRead) {
      if (buffer.length < HEADER) {
        pending = Buffer.from(buffer);
        continue;
      }
      if (buffer.toString("latin1", 0, 5) !== "PGCOP" || buffer.readUInt32BE(15) !== 0)
        throw new Error("the vote stream is not a binary COPY without header extension");
      headerRead = true;
      offset = HEADER;
    }
    while (!ended && offset + 2 <= buffer.length) {
      const fields = buffer.readInt16BE(offset);
      if (fields === -1) {
        ended = true;
        break;
      }
      if (offset + tuple > buffer.length) break;
      if (
        fields !== 3 + extraInts ||
        buffer.readInt32BE(offset + 2) !== 16 ||
        buffer.readInt32BE(offset + 22) !== 16 ||
        buffer.readInt32BE(offset + 42) !== 2
      )
        throw new Error("unexpected row layout in the vote stream");
      for (let k = 0; k < extraInts; k++) {
        const at = offset + TUPLE + k * EXTRA_INT4;
        if (buffer.readInt32BE(at) !== 4) throw new Error("unexpected row layout in the vote stream");
        extra[k] = buffer.readInt32BE(at + 4);
      }
      onVote(modelAt(buffer, offset + 6), modelAt(buffer, offset + 26), buffer.readInt16BE(offset + 46), extra);
      offset += tuple;
    }
    pending = offset < buffer.length ? Buffer.from(buffer.subarray(offset)) : Buffer.alloc(0);
  }
  if (!ended) throw new Error("the vote stream ended early");
}
