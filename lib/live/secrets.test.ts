import { createCipheriv, hkdfSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCampaign } from "@/lib/campaigns/manage";
import { campaignSettingsSchema, liveSettingsSchema } from "@/lib/campaigns/settings";
import { db } from "@/lib/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { rotateApiKeys } from "./endpoints";
import { decryptSecret, decryptSecretWith, encryptSecret, MissingEncryptionKey } from "./secrets";

const OLD = "the key the server had first, long enough";
/** The endpoint a key belongs to and where it is sent. */
const B = { endpointId: "6f1c7a52-5a5e-4d0e-9a53-7d5f0f0c2b11", baseUrl: "https://api.example.com/v1" };
const NEW = "the key the server has now, long enough too";

describe("API keys at rest", () => {
  it("are encrypted afresh each time and open only with the key they were stored under", () => {
    const stored = encryptSecret("sk-live-1234", B, { current: OLD });
    expect(stored).toMatch(/^v2\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stored).not.toContain("sk-live");
    expect(encryptSecret("sk-live-1234", B, { current: OLD })).not.toBe(stored);
    expect(decryptSecret(stored, B, { current: OLD })).toBe("sk-live-1234");
    expect(() => decryptSecret(stored, B, { current: NEW })).toThrow(/HIKAKU_ENCRYPTION_KEY_PREVIOUS/);
    expect(() => encryptSecret("x", B, { current: undefined })).toThrow(MissingEncryptionKey);
    // What an operator who forgot the key reads.
    expect(() => encryptSecret("x", B, { current: undefined })).toThrow(
      /^HIKAKU_ENCRYPTION_KEY is not set: set it to a long random string/,
    );
    expect(() => decryptSecret(stored, B, { current: undefined, previous: OLD })).toThrow(MissingEncryptionKey);
    expect(() => decryptSecret("v3.a.b.c", B, { current: OLD })).toThrow("unknown form");
    expect(() => decryptSecret("v2.a.b", B, { current: OLD })).toThrow("unknown form");
    // A changed byte is caught by the authentication tag, not turned into another key.
    const [v, iv, tag, body] = stored.split(".");
    const flipped = Buffer.from(body, "base64url");
    flipped[0] ^= 1;
    expect(() => decryptSecret([v, iv, tag, flipped.toString("base64url")].join("."), B, { current: OLD })).toThrow();
  });

  it("open only for the endpoint and base URL they were stored with: a key pointed elsewhere in the database no longer opens", () => {
    const stored = encryptSecret("sk-live-1234", B, { current: OLD });
    expect(() => decryptSecret(stored, { ...B, baseUrl: "https://attacker.example/v1" }, { current: OLD })).toThrow(
      "changed outside Hikaku",
    );
    expect(() => decryptSecret(stored, { ...B, endpointId: "0b0c0d0e-0000-4000-8000-000000000000" }, { current: OLD })).toThrow();
  });

  it("still open under the previous key during a rotation, which says so", () => {
    const stored = encryptSecret("sk-live-1234", B, { current: OLD });
    expect(decryptSecretWith(stored, B, { current: NEW, previous: OLD })).toEqual({
      plain: "sk-live-1234",
      underPrevious: true,
      unbound: false,
    });
    const fresh = encryptSecret("sk-live-1234", B, { current: NEW });
    expect(decryptSecretWith(fresh, B, { current: NEW, previous: OLD })).toEqual({
      plain: "sk-live-1234",
      underPrevious: false,
      unbound: false,
    });
  });

  it("are stored under the new key by a rotation, which is audited and changes nothing when a key opens with neither", async () => {
    const created = await createCampaign(
      null,
      `rotate-${uniqueSuffix()}`,
      campaignSettingsSchema.parse({ name: "Rotate" }),
      liveSettingsSchema.parse({ live: true }),
    );
    if (!created.ok) throw new Error(created.code);
    const model = await db.model.create({ data: { name: `rotated-${uniqueSuffix()}` } });
    const endpoint = await db.modelEndpoint.create({
      data: {
        campaignId: created.id,
        modelId: model.id,
        kind: "PUSHED",
        baseUrl: "http://x.test/v1",
      },
    });
    const binding = { endpointId: endpoint.id, baseUrl: endpoint.baseUrl };
    await db.modelEndpoint.update({
      where: { id: endpoint.id },
      data: { apiKeyCipher: encryptSecret("sk-rotate", binding, { current: OLD }) },
    });
    // A judge Hikaku runs keeps its key the same way, bound to the judge.
    const judge = await db.judge.create({ data: { campaignId: created.id, name: "judge", kind: "RUN", baseUrl: "http://judge.test/v1" } });
    const judgeBinding = { endpointId: `judge:${judge.id}`, baseUrl: judge.baseUrl };
    await db.judge.update({ where: { id: judge.id }, data: { apiKeyCipher: encryptSecret("sk-judge", judgeBinding, { current: OLD }) } });
    // Each test file has a database of its own: these are the only stored keys.
    const result = await rotateApiKeys(null, { current: NEW, previous: OLD });
    expect(result).toEqual({ endpoints: 1, judges: 1, reencrypted: 2 });
    const after = await db.modelEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(decryptSecret(after.apiKeyCipher!, binding, { current: NEW })).toBe("sk-rotate");
    const judgeAfter = await db.judge.findUniqueOrThrow({ where: { id: judge.id } });
    expect(decryptSecret(judgeAfter.apiKeyCipher!, judgeBinding, { current: NEW })).toBe("sk-judge");
    expect(await db.auditEvent.findFirst({ where: { action: "model.keys_rotated" }, orderBy: { id: "desc" } })).toMatchObject({
      data: { endpoints: 1, judges: 1, reencrypted: 2 },
    });
    // Done already: a second rotation has nothing to do.
    expect(await rotateApiKeys(null, { current: NEW, previous: OLD })).toEqual({ endpoints: 1, judges: 1, reencrypted: 0 });
    // A key that opens with neither secret stops the rotation before anything is written.
    await db.modelEndpoint.update({
      where: { id: endpoint.id },
      data: { apiKeyCipher: encryptSecret("sk-lost", binding, { current: "a third key, long enough" }) },
    });
    const before = await db.modelEndpoint.findMany({ select: { id: true, apiKeyCipher: true }, orderBy: { id: "asc" } });
    await expect(rotateApiKeys(null, { current: OLD, previous: NEW })).rejects.toThrow("cannot be decrypted");
    expect(await db.modelEndpoint.findMany({ select: { id: true, apiKeyCipher: true }, orderBy: { id: "asc" } })).toEqual(before);
  });

  it("stored before keys were bound (v1) still open, and a rotation under the same key binds them", async () => {
    const created = await createCampaign(
      null,
      `bind-${uniqueSuffix()}`,
      campaignSettingsSchema.parse({ name: "Bind" }),
      liveSettingsSchema.parse({ live: true }),
    );
    if (!created.ok) throw new Error(created.code);
    const model = await db.model.create({ data: { name: `bound-${uniqueSuffix()}` } });
    const endpoint = await db.modelEndpoint.create({
      data: { campaignId: created.id, modelId: model.id, kind: "PUSHED", baseUrl: "http://y.test/v1" },
    });
    // A v1 key, as the earlier version wrote it: AES-256-GCM under the same derived key, no associated data.
    const key = Buffer.from(hkdfSync("sha256", NEW, "hikaku", "model endpoint api keys", 32));
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const body = Buffer.concat([cipher.update("sk-old-style", "utf8"), cipher.final()]);
    const v1 = ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
    await db.modelEndpoint.update({ where: { id: endpoint.id }, data: { apiKeyCipher: v1 } });
    const binding = { endpointId: endpoint.id, baseUrl: endpoint.baseUrl };
    expect(decryptSecretWith(v1, binding, { current: NEW })).toEqual({ plain: "sk-old-style", underPrevious: false, unbound: true });
    // The other test's key, under a secret given to neither rotation, would stop this one.
    await db.modelEndpoint.updateMany({ where: { id: { not: endpoint.id } }, data: { apiKeyCipher: null } });
    expect(await rotateApiKeys(null, { current: NEW })).toEqual({ endpoints: 1, judges: 1, reencrypted: 1 });
    const after = await db.modelEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(after.apiKeyCipher).toMatch(/^v2\./);
    expect(decryptSecretWith(after.apiKeyCipher!, binding, { current: NEW })).toEqual({
      plain: "sk-old-style",
      underPrevious: false,
      unbound: false,
    });
  });
});
