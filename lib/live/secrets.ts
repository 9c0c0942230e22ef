import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { env } from "@/lib/env";

/**
 * API keys of live models, encrypted at rest with AES-256-GCM under a key derived from
 * HIKAKU_ENCRYPTION_KEY. The stored form is `v1.<iv>.<tag>.<ciphertext>` (base64url): a database
 * dump alone does not give the keys away, and a changed or wrong key fails loudly instead of
 * sending garbage to the endpoint.
 */

const VERSION = "v1";

export class MissingEncryptionKey extends Error {
  constructor() {
    super("HIKAKU_ENCRYPTION_KEY is not set: set it to a long random string (for example `openssl rand -base64 32`) to store API keys.");
  }
}

function key(): Buffer {
  const secret = env().HIKAKU_ENCRYPTION_KEY;
  if (!secret) throw new MissingEncryptionKey();
  return Buffer.from(hkdfSync("sha256", secret, "hikaku", "model endpoint api keys", 32));
}

export function encryptSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export function decryptSecret(stored: string): string {
  const [version, iv, tag, body] = stored.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("an API key is stored in an unknown form");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("an API key cannot be decrypted: HIKAKU_ENCRYPTION_KEY differs from the one it was stored with");
  }
}
