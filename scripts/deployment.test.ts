import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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

describe("the health checks of the image and of docker-compose", () => {
  /** The `node -e` script of a health check, with PORT in place of the container's 3000. */
  function probeScript(text: string, path: string): string {
    const script = new RegExp(`"(fetch\\('http://127\\.0\\.0\\.1:3000${path}'\\)[^"]*)"`).exec(text)?.[1];
    expect(script, `a node -e probe of ${path}`).toBeDefined();
    return script!.replace(":3000/", ":PORT/");
  }

  /** How the probe exits against a server that answers every /api/ request with `status`. */
  async function exitCodeAgainst(script: string, status: number): Promise<number | null> {
    const server = createServer((request, response) => response.writeHead(request.url?.startsWith("/api/") ? status : 404).end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // Not spawnSync: the server answers from this process's event loop.
      const probe = spawn(process.execPath, ["-e", script.replace(":PORT/", `:${port}/`)]);
      return await new Promise((resolve) => probe.once("exit", resolve));
    } finally {
      server.close();
    }
  }

  it("pass while the app answers and fail when it does not (the image on /api/health, compose on /api/ready)", async () => {
    for (const [file, path] of [
      ["Dockerfile", "/api/health"],
      ["docker-compose.yml", "/api/ready"],
    ] as const) {
      const script = probeScript(read(file), path);
      expect(await exitCodeAgainst(script, 200), file).toBe(0);
      expect(await exitCodeAgainst(script, 503), file).toBe(1);
    }
  });
});
