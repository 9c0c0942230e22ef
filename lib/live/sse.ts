/** One server-sent event: its `event:` name (default "message") and its `data:` lines joined. */
export interface ServerEvent {
  type: string;
  data: string;
}

/**
 * Splits text received so far into complete events and what is left over (an event cut in two
 * by the network). Comments (`: keepalive`) and events without data are dropped, as EventSource
 * does. Lines may end in \n, \r\n or \r.
 */
export function parseServerEvents(text: string): { events: ServerEvent[]; rest: string } {
  const events: ServerEvent[] = [];
  // A chunk ending in \r may be half of a \r\n: keep it back, or the \n that follows would read as a blank line.
  const heldBack = text.endsWith("\r") ? "\r" : "";
  const normalised = text.slice(0, text.length - heldBack.length).replace(/\r\n?/g, "\n");
  const blocks = normalised.split("\n\n");
  const rest = (blocks.pop() ?? "") + heldBack;
  for (const block of blocks) {
    let type = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      const colon = line.indexOf(":");
      if (colon === 0) continue;
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") type = value;
      else if (field === "data") data.push(value);
    }
    if (data.length > 0) events.push({ type, data: data.join("\n") });
  }
  return { events, rest };
}

export class EventTooLarge extends Error {}

/**
 * The events of a server-sent event stream as they arrive. A last event the stream ends without
 * closing (some model servers do) is read too. Leaving the loop early cancels the stream.
 * Each chunk is looked at once (a stream that never ends an event costs time in proportion to its
 * length, not its square), and an event longer than `maxEventChars` ends the stream with
 * EventTooLarge: the other side may be hostile.
 */
export async function* readServerEvents(
  body: ReadableStream<Uint8Array>,
  options: { maxEventChars?: number } = {},
): AsyncGenerator<ServerEvent> {
  const maxEventChars = options.maxEventChars ?? 16 * 1024 * 1024;
  // A reader rather than `for await` over the body: Safari's streams are not async-iterable.
  const reader = body.getReader();
  const decoder = new TextDecoder();
  /** Text received since the last complete event, with line ends made \n. */
  let pending = "";
  /** A chunk's last \r, which may be half of a \r\n. */
  let heldBackCr = false;
  const take = (text: string): ServerEvent[] => {
    const joined = (heldBackCr ? "\r" : "") + text;
    heldBackCr = joined.endsWith("\r");
    const scanFrom = Math.max(0, pending.length - 1);
    pending += joined.slice(0, joined.length - (heldBackCr ? 1 : 0)).replace(/\r\n?/g, "\n");
    if (pending.indexOf("\n\n", scanFrom) < 0) {
      if (pending.length > maxEventChars) throw new EventTooLarge(`an event is longer than ${maxEventChars} characters`);
      return [];
    }
    const end = pending.lastIndexOf("\n\n");
    const { events } = parseServerEvents(pending.slice(0, end + 2));
    pending = pending.slice(end + 2);
    if (pending.length > maxEventChars) throw new EventTooLarge(`an event is longer than ${maxEventChars} characters`);
    return events;
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield* take(decoder.decode(value, { stream: true }));
    }
    yield* take(`${decoder.decode()}\n\n`);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
