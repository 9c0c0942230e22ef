import { describe, expect, it } from "vitest";
import { turnReading } from "./plain-text";
import { ReadingTimeout, readingInWorker } from "./reading-in-worker";

describe("readings worked out in a worker thread", () => {
  // First in the file: the worker is not started yet. Loading its parser takes far longer than
  // 50 ms (seconds on a busy machine), which used to void the first answer after a start.
  it("give an answer its whole time, whatever the worker's own start takes", async () => {
    expect(await readingInWorker("I am **Gemini**", 50)).toBe("I am Gemini");
  });

  it("are the readings the main thread would work out", async () => {
    for (const text of ["I am Cl**au**de", "$\\text{Cl}\\text{aude}$ and `code`", "x".repeat(60_000)])
      expect(await readingInWorker(text)).toBe(turnReading(text));
  });

  it("past the deadline: ReadingTimeout; what else the worker had is read by a fresh one", async () => {
    // About a second of parsing on this machine (measured); the deadline is a tenth of that.
    const slow = "[*_`<a>](".repeat(5_555);
    const stuck = readingInWorker(slow, 100);
    const waiting = readingInWorker("I am **Gemini**", 10_000);
    await expect(stuck).rejects.toBeInstanceOf(ReadingTimeout);
    expect(await waiting).toBe("I am Gemini");
    expect(await readingInWorker("and *after*")).toBe("and after");
  });
});
