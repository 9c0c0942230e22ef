import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { decryptSecret } from "./secrets";
import { workerEndpoint } from "./worker";
import { runHikaku } from "@/lib/testing/cli";

function hikaku(args: string[], env: Record<string, string> = {}) {
  return runHikaku([...args], env);
}

describe("the CLI for live campaigns", () => {
  it("creates a live campaign with its limits, adds pushed and pulled models, and refuses what does not fit", async () => {
    const slug = `cli-live-${uniqueSuffix()}`;
    const words = join(mkdtempSync(join(tmpdir(), "hikaku-")), "blocked.txt");
    writeFileSync(words, "secret project\nパスワード\n");
    const created = hikaku([
      "campaign",
      "create",
      "--slug",
      slug,
      "--name",
      "CLI live",
      "--live",
      "--max-turns",
      "4",
      "--blocked-words-file",
      words,
    ]);
    expect(created.status, created.stderr).toBe(0);
    expect(hikaku(["campaign", "create", "--slug", `${slug}-x`, "--name", "x", "--max-turns", "2"]).stderr).toContain("add --live");

    const pushed = hikaku(
      [
        "model",
        "add",
        "--campaign",
        slug,
        "--name",
        `cli-pushed-${slug}`,
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--api-key-env",
        "CLI_TEST_KEY",
        "--timeout-s",
        "30",
      ],
      { CLI_TEST_KEY: "sk-from-the-environment" },
    );
    expect(pushed.status, pushed.stderr).toBe(0);
    const pulled = hikaku(["model", "add", "--campaign", slug, "--name", `cli-pulled-${slug}`, "--worker"]);
    expect(pulled.status, pulled.stderr).toBe(0);
    // The token alone on stdout, for scripts; it works for the worker API.
    const token = pulled.stdout.trim();
    expect(token).toMatch(/^hkw_[A-Za-z0-9_-]{43}$/);

    const bad = [
      hikaku(["model", "add", "--campaign", slug, "--name", "no-way-to-reach"]),
      hikaku(["model", "add", "--campaign", slug, "--name", "both", "--worker", "--base-url", "http://x/v1"]),
      hikaku(["model", "add", "--campaign", slug, "--name", "unset-key", "--base-url", "http://x/v1", "--api-key-env", "NOT_SET_ANYWHERE"]),
      hikaku(["model", "add", "--campaign", slug, "--name", `cli-pulled-${slug}`, "--worker"]),
      hikaku(["model", "add", "--campaign", slug, "--name", "bad-params", "--base-url", "http://x/v1", "--params", "[1]"]),
      // Internal addresses the operator has not allowed (the tests allow 127.0.0.1 only), and URLs with more than a base.
      hikaku(["model", "add", "--campaign", slug, "--name", "metadata", "--base-url", "http://169.254.169.254/v1"]),
      hikaku([
        "model",
        "add",
        "--campaign",
        slug,
        "--name",
        "hidden-path",
        "--base-url",
        "http://127.0.0.1:2375/containers/create?name=x#",
      ]),
    ];
    expect(bad.map((run) => run.status)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(bad[3].stderr).toContain("already has a model");
    expect(bad[5].stderr).toContain(
      "--base-url refused: 169.254.169.254 is a link-local (cloud metadata) address; the operator can allow it with HIKAKU_ALLOWED_MODEL_HOSTS.",
    );
    expect(bad[6].stderr).toContain("baseUrl: may not contain ? or #");
    const campaign = await db.campaign.findUniqueOrThrow({ where: { slug }, include: { endpoints: { include: { model: true } } } });
    expect(campaign.live).toBe(true);
    expect(campaign.liveMaxTurns).toBe(4);
    expect(campaign.moderationWords).toEqual(["secret project", "パスワード"]);
    const stored = campaign.endpoints.find((e) => e.kind === "PUSHED")!;
    expect(stored.timeoutSeconds).toBe(30);
    expect(stored.apiKeyCipher).not.toContain("sk-from-the-environment");
    expect(await workerEndpoint(token)).not.toBeNull();

    // A key rotation: the old key becomes the previous one, and the stored API key moves to the new.
    const current = process.env.HIKAKU_ENCRYPTION_KEY!;
    const rotated = hikaku(["model", "rotate-keys"], {
      HIKAKU_ENCRYPTION_KEY: "a brand new key for the rotation",
      HIKAKU_ENCRYPTION_KEY_PREVIOUS: current,
    });
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(JSON.parse(rotated.stdout)).toEqual({ endpoints: 1, judges: 0, reencrypted: 1 });
    const after = await db.modelEndpoint.findUniqueOrThrow({ where: { id: stored.id } });
    const binding = { endpointId: stored.id, baseUrl: stored.baseUrl };
    expect(decryptSecret(after.apiKeyCipher!, binding, { current: "a brand new key for the rotation" })).toBe("sk-from-the-environment");
    // Without the old key the stored one cannot be read: a clear error, nothing changed.
    const lost = hikaku(["model", "rotate-keys"], { HIKAKU_ENCRYPTION_KEY: current });
    expect(lost.status).toBe(1);
    expect(lost.stderr).toContain("HIKAKU_ENCRYPTION_KEY_PREVIOUS");
  });
});
