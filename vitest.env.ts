/** The environment every test file starts from (vitest.config.ts), with or without a database. */

// Test fixtures vote as fast as the machine goes; the rate limit has its own test at this setting.
process.env.HIKAKU_MAX_VOTES_PER_MINUTE ??= "1000";
process.env.HIKAKU_ENCRYPTION_KEY ??= "hikaku-test-encryption-key-not-for-production";
// The tests' model servers listen on loopback, which model endpoints may only reach when allowed
// (lib/net); the refusal itself is tested with other addresses and with this rule taken away.
process.env.HIKAKU_ALLOWED_MODEL_HOSTS ??= "127.0.0.1";
// Server actions read a real session cookie signed with it (lib/testing/next-request.ts).
process.env.NEXTAUTH_SECRET ??= "hikaku-test-secret-not-for-production";
