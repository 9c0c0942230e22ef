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

/**
 * The events of a server-sent event stream as they arrive. A last event the stream ends without
 * closing (some model servers do) is read too. Leaving the loop early cancels the stream.
 */
export async function* readServerEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
  // A reader rather than `for await` over the body: Safari's streams are not async-iterable.
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const { events, rest } = parseServerEvents(pending + decoder.decode(value, { stream: true }));
      pending = rest;
      yield* events;
    }
    yield* parseServerEvents(`${pending}${decoder.decode()}\n\n`).events;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
