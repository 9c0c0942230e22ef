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

/** The keys to use: encrypt with `current`; decrypt with it, or with `previous` during a rotation. */
export interface SecretKeys {
  current: string | undefined;
  previous?: string | undefined;
}

function configuredKeys(): SecretKeys {
  return { current: env().HIKAKU_ENCRYPTION_KEY, previous: env().HIKAKU_ENCRYPTION_KEY_PREVIOUS };
}

function derive(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "hikaku", "model endpoint api keys", 32));
}

export function encryptSecret(plain: string, keys: SecretKeys = configuredKeys()): string {
  if (!keys.current) throw new MissingEncryptionKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derive(keys.current), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

/** The plain text, and whether it was stored under the previous key (so a rotation has it still to do). */
export function decryptSecretWith(stored: string, keys: SecretKeys = configuredKeys()): { plain: string; underPrevious: boolean } {
  const [version, iv, tag, body] = stored.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("an API key is stored in an unknown form");
  if (!keys.current) throw new MissingEncryptionKey();
  const candidates = [keys.current, keys.previous].filter((key): key is string => Boolean(key));
  for (const [index, secret] of candidates.entries()) {
    const decipher = createDecipheriv("aes-256-gcm", derive(secret), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    try {
      const plain = Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
      return { plain, underPrevious: index > 0 };
    } catch {
      // Not this key: try the next.
    }
  }
  throw new Error(
    "an API key cannot be decrypted: HIKAKU_ENCRYPTION_KEY differs from the one it was stored with (after changing it, set the old one as HIKAKU_ENCRYPTION_KEY_PREVIOUS and run `model rotate-keys`)",
  );
}

export function decryptSecret(stored: string, keys: SecretKeys = configuredKeys()): string {
  return decryptSecretWith(stored, keys).plain;
}
