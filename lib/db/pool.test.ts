import { describe, expect, it, vi } from "vitest";
import { db, disconnectDb, pool, sessionConnection, sql } from "@/lib/db";
import { log } from "@/lib/log";

describe("the instance's one pool", () => {
  it("carries the Prisma client's queries too, so an instance holds one set of connections", async () => {
    await disconnectDb();
    await db.user.count();
    expect(pool().totalCount).toBe(1);
    await sql.$queryRaw`SELECT 1`;
    expect(pool().totalCount).toBe(1);
    await disconnectDb();
  });

  // Behind a pooler (npm test's PgBouncer pass) the pooler, not the app, sees the server end a connection.
  it.skipIf(Boolean(process.env.DIRECT_DATABASE_URL))(
    "survives the server ending one of its idle connections (a restart, a failover), and queries go on",
    async () => {
      const { rows } = await pool().query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      expect(pool().idleCount).toBe(1);
      const logged = vi.spyOn(log(), "warn").mockImplementation(() => {});
      const administrator = sessionConnection();
      await administrator.connect();
      try {
        await administrator.query("SELECT pg_terminate_backend($1::int)", [rows[0].pid]);
        // Without a listener the pool's `error` event would be an uncaught exception here.
        await vi.waitFor(() => expect(pool().idleCount).toBe(0));
        expect(logged).toHaveBeenCalledWith({ err: expect.any(Error) }, "an idle database connection was closed");
      } finally {
        logged.mockRestore();
        await administrator.end();
      }
      const after = await pool().query<{ one: number }>("SELECT 1 AS one");
      expect(after.rows[0].one).toBe(1);
    },
  );
});
