import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { env } from "@/lib/env";

/**
 * API keys of live models, encrypted at rest with AES-256-GCM under a key derived from
 * HIKAKU_ENCRYPTION_KEY. The stored form is `v2.<iv>.<tag>.<ciphertext>` (base64url): a database
 * dump alone does not give the keys away, and a changed or wrong key fails loudly instead of
 * sending garbage to the endpoint. The endpoint's id and base URL are bound to the key as
 * associated data: someone who can write the database but does not hold HIKAKU_ENCRYPTION_KEY
 * cannot point a stored key at a server of theirs (the key no longer opens), nor copy it to
 * another endpoint. Keys stored as `v1` (before that binding) still open until `model
 * rotate-keys` stores them bound.
 */

const VERSION = "v2";
const UNBOUND_VERSION = "v1";

/** What an API key is bound to: the endpoint it belongs to and the URL it is sent to. */
export interface SecretBinding {
  endpointId: string;
  baseUrl: string | null;
}

const associatedData = (binding: SecretBinding) =>
  Buffer.from(JSON.stringify(["hikaku model endpoint api key", binding.endpointId, binding.baseUrl ?? ""]), "utf8");

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

export function encryptSecret(plain: string, binding: SecretBinding, keys: SecretKeys = configuredKeys()): string {
  if (!keys.current) throw new MissingEncryptionKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derive(keys.current), iv);
  cipher.setAAD(associatedData(binding));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

/**
 * The plain text, and whether a rotation still has it to do: stored under the previous key, or
 * stored before keys were bound to their endpoint (`v1`).
 */
export function decryptSecretWith(
  stored: string,
  binding: SecretBinding,
  keys: SecretKeys = configuredKeys(),
): { plain: string; underPrevious: boolean; unbound: boolean } {
  const [version, iv, tag, body] = stored.split(".");
  if ((version !== VERSION && version !== UNBOUND_VERSION) || !iv || !tag || body === undefined)
    throw new Error("an API key is stored in an unknown form");
  if (!keys.current) throw new MissingEncryptionKey();
  const candidates = [keys.current, keys.previous].filter((key): key is string => Boolean(key));
  for (const [index, secret] of candidates.entries()) {
    const decipher = createDecipheriv("aes-256-gcm", derive(secret), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    if (version === VERSION) decipher.setAAD(associatedData(binding));
    try {
      const plain = Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
      return { plain, underPrevious: index > 0, unbound: version === UNBOUND_VERSION };
    } catch {
      // Not this key: try the next.
    }
  }
  throw new Error(
    "an API key cannot be decrypted: HIKAKU_ENCRYPTION_KEY differs from the one it was stored with (after changing it, set the old one as HIKAKU_ENCRYPTION_KEY_PREVIOUS and run `model rotate-keys`), or its endpoint's id or base URL were changed outside Hikaku",
  );
}

export function decryptSecret(stored: string, binding: SecretBinding, keys: SecretKeys = configuredKeys()): string {
  return decryptSecretWith(stored, binding, keys).plain;
}
