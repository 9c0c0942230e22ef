import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Role } from "@/lib/generated/prisma/enums";
import { clientIp } from "./client-ip";
import { authenticate } from "./sign-in";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string; role: Role };
  }
  interface User {
    role: Role;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: Role;
  }
}

export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "email",
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, req) {
        if (!credentials?.email || !credentials.password) return null;
        const result = await authenticate(credentials.email, credentials.password, clientIp(req.headers ?? {}));
        if (result.ok) return { id: result.user.id, email: result.user.email, name: result.user.displayName, role: result.user.role };
        // next-auth passes a thrown message to the client as `error`; INVALID stays the generic one.
        if (result.code === "INVALID") return null;
        throw new Error(result.code);
      },
    }),
  ],
  callbacks: {
    // The role in the token is only a hint for navigation; every protected page, action and
    // route handler re-reads the user from the database (lib/auth/session.ts).
    jwt({ token, user }) {
      if (user) token.role = user.role;
      return token;
    },
    session({ session, token }) {
      session.user = {
        id: token.sub ?? "",
        email: token.email ?? "",
        name: token.name ?? "",
        role: token.role ?? "ANNOTATOR",
      };
      return session;
    },
  },
};
