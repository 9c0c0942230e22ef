import { describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { pool } from "@/lib/pg";

describe("the plain pg pool", () => {
  it("survives the server ending one of its idle connections (a restart, a failover), and queries go on", async () => {
    const { rows } = await pool().query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    expect(pool().idleCount).toBe(1);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await db.$queryRaw`SELECT pg_terminate_backend(${rows[0].pid}::int)`;
      // Without a listener the pool's `error` event would be an uncaught exception here.
      await vi.waitFor(() => expect(pool().idleCount).toBe(0));
      expect(logged).toHaveBeenCalledWith(expect.stringContaining("An idle database connection was closed"));
    } finally {
      logged.mockRestore();
    }
    const after = await pool().query<{ one: number }>("SELECT 1 AS one");
    expect(after.rows[0].one).toBe(1);
  });
});
