import { describe, expect, it } from "vitest";
import { sessionConnection } from "@/lib/db";
import { readMigrations } from "../../prisma/migrator";
import { checkReadiness, readiness, type ReadinessSources } from "./readiness";

const shipped = readMigrations().map((m) => m.name);
const sources = (overrides: Partial<ReadinessSources>): ReadinessSources => ({
  shipped: () => shipped,
  applied: async () => shipped,
  deadlineMs: 1000,
  ...overrides,
});

describe("readiness", () => {
  it("is ready on a database migrated to this version (the test file's own)", async () => {
    expect(await checkReadiness()).toEqual({ ready: true });
  });

  it("is not ready while a migration this version ships is not applied, or the database has one it does not know", async () => {
    expect(await checkReadiness(sources({ applied: async () => shipped.slice(0, -2) }))).toEqual({
      ready: false,
      reason: "2 migration(s) not applied yet",
    });
    expect(await checkReadiness(sources({ applied: async () => [...shipped, "29991231000000_from_a_newer_version"] }))).toEqual({
      ready: false,
      reason: "the database has 1 migration(s) this version does not know",
    });
  });

  it("is not ready when the database fails or does not answer in time, and says which without details", async () => {
    expect(
      await checkReadiness(sources({ applied: () => Promise.reject(new Error("password authentication failed for user x")) })),
    ).toEqual({
      ready: false,
      reason: "the database cannot be queried",
    });
    const started = Date.now();
    expect(await checkReadiness(sources({ applied: () => new Promise(() => {}), deadlineMs: 50 }))).toEqual({
      ready: false,
      reason: "the database did not answer in time",
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("is not ready when the database is down (nothing listens where it was)", async () => {
    const down = async () => {
      const connection = sessionConnection("postgresql://hikaku@127.0.0.1:1/hikaku");
      try {
        await connection.connect();
        return [];
      } finally {
        await connection.end().catch(() => {});
      }
    };
    expect(await checkReadiness(sources({ applied: down }))).toEqual({ ready: false, reason: "the database cannot be queried" });
  });

  it("is checked at most once a second, however many probes ask", async () => {
    const first = readiness(1_000_000);
    expect(readiness(1_000_999)).toBe(first);
    const later = readiness(1_001_000);
    expect(later).not.toBe(first);
    expect(await later).toEqual({ ready: true });
  });
});
