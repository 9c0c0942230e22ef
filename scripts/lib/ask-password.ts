import { createInterface } from "node:readline";
import { Writable } from "node:stream";

/** Reads a password from the terminal without echoing it (or one line from stdin when piped). */
export async function askPassword(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, callback) {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: Boolean(process.stdin.isTTY) });
  process.stderr.write(question);
  muted = true;
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once("line", resolve);
      rl.once("close", () => reject(new Error("No password was given.")));
    });
  } finally {
    muted = false;
    process.stderr.write("\n");
    rl.close();
  }
}
