import { describe, expect, it } from "vitest";
import { createCampaign } from "@/lib/campaigns/manage";
import { campaignSettingsSchema, liveSettingsSchema } from "@/lib/campaigns/settings";
import { db } from "@/lib/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { rotateApiKeys } from "./endpoints";
import { decryptSecret, decryptSecretWith, encryptSecret, MissingEncryptionKey } from "./secrets";

const OLD = "the key the server had first, long enough";
const NEW = "the key the server has now, long enough too";

describe("API keys at rest", () => {
  it("are encrypted afresh each time and open only with the key they were stored under", () => {
    const stored = encryptSecret("sk-live-1234", { current: OLD });
    expect(stored).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stored).not.toContain("sk-live");
    expect(encryptSecret("sk-live-1234", { current: OLD })).not.toBe(stored);
    expect(decryptSecret(stored, { current: OLD })).toBe("sk-live-1234");
    expect(() => decryptSecret(stored, { current: NEW })).toThrow(/HIKAKU_ENCRYPTION_KEY_PREVIOUS/);
    expect(() => encryptSecret("x", { current: undefined })).toThrow(MissingEncryptionKey);
    expect(() => decryptSecret(stored, { current: undefined, previous: OLD })).toThrow(MissingEncryptionKey);
    expect(() => decryptSecret("v2.a.b.c", { current: OLD })).toThrow("unknown form");
    // A changed byte is caught by the authentication tag, not turned into another key.
    const [v, iv, tag, body] = stored.split(".");
    const flipped = Buffer.from(body, "base64url");
    flipped[0] ^= 1;
    expect(() => decryptSecret([v, iv, tag, flipped.toString("base64url")].join("."), { current: OLD })).toThrow();
  });

  it("still open under the previous key during a rotation, which says so", () => {
    const stored = encryptSecret("sk-live-1234", { current: OLD });
    expect(decryptSecretWith(stored, { current: NEW, previous: OLD })).toEqual({ plain: "sk-live-1234", underPrevious: true });
    const fresh = encryptSecret("sk-live-1234", { current: NEW });
    expect(decryptSecretWith(fresh, { current: NEW, previous: OLD })).toEqual({ plain: "sk-live-1234", underPrevious: false });
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
        apiKeyCipher: encryptSecret("sk-rotate", { current: OLD }),
      },
    });
    // Each test file has a database of its own: this is the only stored key.
    const result = await rotateApiKeys(null, { current: NEW, previous: OLD });
    expect(result).toEqual({ endpoints: 1, reencrypted: 1 });
    const after = await db.modelEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(decryptSecret(after.apiKeyCipher!, { current: NEW })).toBe("sk-rotate");
    expect(await db.auditEvent.findFirst({ where: { action: "model.keys_rotated" }, orderBy: { id: "desc" } })).toMatchObject({
      data: { endpoints: 1, reencrypted: 1 },
    });
    // Done already: a second rotation has nothing to do.
    expect(await rotateApiKeys(null, { current: NEW, previous: OLD })).toEqual({ endpoints: 1, reencrypted: 0 });
    // A key that opens with neither secret stops the rotation before anything is written.
    await db.modelEndpoint.update({
      where: { id: endpoint.id },
      data: { apiKeyCipher: encryptSecret("sk-lost", { current: "a third key, long enough" }) },
    });
    const before = await db.modelEndpoint.findMany({ select: { id: true, apiKeyCipher: true }, orderBy: { id: "asc" } });
    await expect(rotateApiKeys(null, { current: OLD, previous: NEW })).rejects.toThrow("cannot be decrypted");
    expect(await db.modelEndpoint.findMany({ select: { id: true, apiKeyCipher: true }, orderBy: { id: "asc" } })).toEqual(before);
  });
});
