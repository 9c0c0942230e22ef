import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../", import.meta.url));
const read = (file: string) => readFileSync(`${root}${file}`, "utf8");

// There is no Docker engine here to build the image; these check what review found wrong in it.
describe("the Docker image", () => {
  it("runs as an unprivileged user on a Node.js line that still gets security fixes", () => {
    const dockerfile = read("Dockerfile");
    const base = /^FROM node:(\d+)/m.exec(dockerfile);
    expect(Number(base?.[1])).toBeGreaterThanOrEqual(22);
    const lastUser = [...dockerfile.matchAll(/^USER (\S+)/gm)].at(-1)?.[1];
    expect(lastUser).toBeDefined();
    expect(["root", "0"]).not.toContain(lastUser);
    // Every instruction that runs or copies after the switch happens as that user.
    expect(dockerfile.indexOf("USER ")).toBeLessThan(dockerfile.indexOf("RUN npm ci"));
  });

  it("never copies secrets or local state into the image", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((line) => line.trim());
    for (const entry of [".env", ".env.*", ".hikaku", "node_modules", ".git"]) expect(ignored).toContain(entry);
  });
});
