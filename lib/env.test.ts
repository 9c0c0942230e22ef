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

  it("reads the allowed model hosts, and names a bad entry", async () => {
    process.env = { ...original, DATABASE_URL: "postgresql://x@localhost/x", HIKAKU_ALLOWED_MODEL_HOSTS: "gpu1:8000, 10.0.0.0/8" };
    const env = await freshEnv();
    expect(env().HIKAKU_ALLOWED_MODEL_HOSTS).toEqual([
      { kind: "host", host: "gpu1", port: 8000 },
      { kind: "range", range: { bytes: [10, 0, 0, 0], prefix: 8 } },
    ]);
    process.env.HIKAKU_ALLOWED_MODEL_HOSTS = "http://gpu1:8000/v1";
    const again = await freshEnv();
    expect(() => again()).toThrow(/HIKAKU_ALLOWED_MODEL_HOSTS: "http:\/\/gpu1:8000\/v1" is a URL/);
  });
});
