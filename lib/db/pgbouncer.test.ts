import { describe, expect, it } from "vitest";
import { pool, sessionConnection, transaction } from "@/lib/db";

/**
 * Run by `npm test` a second time with HIKAKU_TEST_PGBOUNCER=1 (vitest.global-setup.ts): each test
 * file's DATABASE_URL then goes through PgBouncer in transaction pooling mode, DIRECT_DATABASE_URL
 * straight to the server. In the ordinary pass there is no pooler and nothing to check.
 */
const behindPooler = Boolean(process.env.DIRECT_DATABASE_URL);

describe.skipIf(!behindPooler)("behind a transaction-pooling PgBouncer", () => {
  it("sends the pool through the pooler and sessions past it, to the same database", async () => {
    const pooled = new URL(process.env.DATABASE_URL!);
    const direct = new URL(process.env.DIRECT_DATABASE_URL!);
    expect(pooled.port).not.toBe(direct.port);
    expect(pooled.pathname).toBe(direct.pathname);
    const { rows } = await pool().query<{ name: string }>("SELECT current_database() AS name");
    const session = sessionConnection();
    await session.connect();
    try {
      const { rows: direct_ } = await session.query<{ name: string; port: number }>(
        "SELECT current_database() AS name, inet_server_port() AS port",
      );
      expect(direct_[0].name).toBe(rows[0].name);
      // The session reaches the server itself, not the pooler.
      expect(String(direct_[0].port)).toBe(direct.port);
    } finally {
      await session.end();
    }
  });

  it("keeps a transaction on one server connection: what it writes it reads, and a rollback leaves nothing", async () => {
    await pool().query("CREATE TABLE IF NOT EXISTS pooler_probe (n int)");
    await expect(
      transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO pooler_probe VALUES (1)`;
        const [{ count }] = await tx.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM pooler_probe`;
        expect(count).toBe(1);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const { rows } = await pool().query<{ count: number }>("SELECT count(*)::int AS count FROM pooler_probe");
    expect(rows[0].count).toBe(0);
  });
});
