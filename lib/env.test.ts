import { afterEach, describe, expect, it, vi } from "vitest";

const original = { ...process.env };

async function freshEnv() {
  vi.resetModules();
  return (await import("./env")).env;
}

afterEach(() => {
  process.env = { ...original };
});

describe("environment", () => {
  it("refuses to start in production without NEXTAUTH_SECRET", async () => {
    process.env = { ...original, NODE_ENV: "production", DATABASE_URL: "postgresql://x@localhost/x" };
    delete process.env.NEXTAUTH_SECRET;
    const env = await freshEnv();
    expect(() => env()).toThrow(/NEXTAUTH_SECRET is required in production/);
  });

  it("names every invalid variable", async () => {
    process.env = { ...original, DATABASE_URL: "", HIKAKU_SIGNIN_WINDOW_MINUTES: "soon" };
    const env = await freshEnv();
    expect(() => env()).toThrow(/DATABASE_URL[\s\S]*HIKAKU_SIGNIN_WINDOW_MINUTES/);
  });

  it("accepts a development set-up with defaults", async () => {
    process.env = { ...original, NODE_ENV: "development", DATABASE_URL: "postgresql://x@localhost/x" };
    const env = await freshEnv();
    expect(env()).toMatchObject({ HIKAKU_SIGNIN_MAX_FAILURES_PER_ACCOUNT: 5, HIKAKU_SIGNIN_WINDOW_MINUTES: 15 });
  });
});
