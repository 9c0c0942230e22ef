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
  const normalised = text.replace(/\r\n?/g, "\n");
  const blocks = normalised.split("\n\n");
  const rest = blocks.pop() ?? "";
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
