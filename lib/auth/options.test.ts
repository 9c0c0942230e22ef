import type { Account, Session, User } from "next-auth";
import type { JWT } from "next-auth/jwt";
import type { CredentialsConfig } from "next-auth/providers/credentials";
import { describe, expect, it } from "vitest";
import { createTestUser, TEST_PASSWORD } from "@/lib/testing/factories";
import { authOptions } from "./options";

/** The credentials provider's own authorize, as next-auth calls it on sign-in. */
const authorize = (credentials: Record<string, string> | undefined) =>
  (authOptions.providers[0] as CredentialsConfig).options.authorize!(credentials as never, { headers: {} } as never);

describe("next-auth's side of signing in", () => {
  it("lets a user in with the right password, and says nothing more than 'no' for a wrong or missing one", async () => {
    const user = await createTestUser({ role: "RESEARCHER" });
    expect(await authorize({ email: user.email.toUpperCase(), password: TEST_PASSWORD })).toEqual({
      id: user.id,
      email: user.email,
      name: user.displayName,
      role: "RESEARCHER",
    });
    expect(await authorize({ email: user.email, password: "not the password" })).toBeNull();
    expect(await authorize({ email: user.email, password: "" })).toBeNull();
    expect(await authorize({ email: "", password: TEST_PASSWORD })).toBeNull();
    expect(await authorize(undefined)).toBeNull();
  });

  it("passes a disabled account's reason on as the error", async () => {
    const user = await createTestUser({ disabled: true });
    await expect(authorize({ email: user.email, password: TEST_PASSWORD })).rejects.toThrow("DISABLED");
  });

  it("puts the role in the token at sign-in only, and builds the session's user from the token", async () => {
    const jwt = authOptions.callbacks!.jwt!;
    const signedIn = await jwt({ token: { sub: "u1" }, user: { id: "u1", role: "ADMIN" } as User, account: null as Account | null });
    expect(signedIn).toEqual({ sub: "u1", role: "ADMIN" });
    expect(await jwt({ token: { sub: "u1", role: "ANNOTATOR" }, user: undefined as unknown as User, account: null })).toEqual({
      sub: "u1",
      role: "ANNOTATOR",
    });
    const session = authOptions.callbacks!.session! as unknown as (input: { session: Session; token: JWT }) => Promise<Session>;
    const empty = { expires: "2030-01-01T00:00:00Z" } as Session;
    expect((await session({ session: empty, token: { sub: "u1", email: "a@b.test", name: "A", role: "RESEARCHER" } })).user).toEqual({
      id: "u1",
      email: "a@b.test",
      name: "A",
      role: "RESEARCHER",
    });
    // A token without those claims is nobody in particular, never an admin.
    expect((await session({ session: empty, token: {} })).user).toEqual({ id: "", email: "", name: "", role: "ANNOTATOR" });
  });
});
