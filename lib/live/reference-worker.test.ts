import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The user guide shows the reference worker that e2e/live.spec.ts runs: they must not drift apart.
describe("the user guide's reference worker", () => {
  it("is examples/hikaku-worker.mjs, line for line", () => {
    const guide = readFileSync(new URL("../../docs/user-guide.md", import.meta.url), "utf8");
    const worker = readFileSync(new URL("../../examples/hikaku-worker.mjs", import.meta.url), "utf8");
    const indented = worker
      .trimEnd()
      .split("\n")
      .map((line) => (line ? `    ${line}` : ""))
      .join("\n");
    expect(guide).toContain(indented);
  });
});
