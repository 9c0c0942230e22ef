import { BodyTooLarge } from "./node-json";

/**
 * A web stream's bytes as text, read only up to `maxBytes`: past them `tooLarge()` is thrown and
 * the rest is not read (Request.json() and Response.text() would read any size into memory).
 */
export async function streamTextCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  tooLarge: () => Error = () => new BodyTooLarge(),
): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text + decoder.decode();
      size += value.byteLength;
      if (size > maxBytes) throw tooLarge();
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** A route handler's request body as text, read only up to `maxBytes` (then BodyTooLarge). */
export async function webBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw new BodyTooLarge();
  return streamTextCapped(request.body, maxBytes);
}
