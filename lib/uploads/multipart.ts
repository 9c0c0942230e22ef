import "server-only";
import { Readable } from "node:stream";
import busboy from "busboy";

/**
 * A multipart upload read as it streams in, with a hard limit on the bytes received — counted on
 * the wire, whatever Content-Length claims — so an oversized or endless body is cut off at the
 * limit instead of being buffered. Each file part is kept once, as bytes, and decoded once.
 */

export interface UploadedFile {
  field: string;
  name: string;
  content: string;
}

export type UploadResult = { ok: true; files: UploadedFile[] } | { ok: false; status: 400 | 413; error: string };

const MAX_FILES = 1000;

export async function readMultipartFiles(request: Request, maxBytes: number): Promise<UploadResult> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data") || !request.body) {
    return { ok: false, status: 400, error: "expected a multipart form upload" };
  }
  const declared = Number(request.headers.get("content-length") ?? 0);
  const tooLarge = {
    ok: false as const,
    status: 413 as const,
    error: `the upload is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`,
  };
  if (declared > maxBytes) return tooLarge;

  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { "content-type": contentType }, limits: { files: MAX_FILES, fileSize: maxBytes } });
  } catch {
    return { ok: false, status: 400, error: "expected a multipart form upload" };
  }
  const body = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>);
  return new Promise<UploadResult>((resolve) => {
    const files: UploadedFile[] = [];
    let received = 0;
    let settled = false;
    const finish = (result: UploadResult) => {
      if (settled) return;
      settled = true;
      if (!result.ok) {
        body.unpipe(parser);
        body.destroy();
        parser.destroy();
      }
      resolve(result);
    };
    body.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) finish(tooLarge);
    });
    body.on("error", () => finish({ ok: false, status: 400, error: "the upload was interrupted" }));
    parser.on("file", (field, stream, info) => {
      const parts: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => parts.push(chunk));
      stream.on("limit", () => finish(tooLarge));
      // A part cut off by the limit ends with an error; the result already says why.
      stream.on("error", () => {});
      stream.on("end", () => files.push({ field, name: info.filename ?? field, content: Buffer.concat(parts).toString("utf8") }));
    });
    parser.on("filesLimit", () => finish({ ok: false, status: 413, error: `more than ${MAX_FILES} files in one upload` }));
    parser.on("error", () => finish({ ok: false, status: 400, error: "the multipart form could not be read" }));
    parser.on("close", () => finish({ ok: true, files }));
    body.pipe(parser);
  });
}
