import { z } from "zod";
import { hashPassword, MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { normaliseEmail } from "@/lib/auth/sign-in";
import { ROLES } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { askPassword } from "../lib/ask-password";
import { parseArgs, required, single, UsageError } from "../lib/cli-args";
import { USAGES } from "./usages";

export const usage = USAGES["user"];

export async function userCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== "create") throw new UsageError(`Usage:\n  ${usage}`);
  const { values } = parseArgs(rest, { options: ["email", "role", "password", "name"] });
  const email = normaliseEmail(required(values, "email"));
  if (!z.email().safeParse(email).success) throw new UsageError(`"${email}" is not an e-mail address.`);
  const role = required(values, "role").toUpperCase();
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}.`);
  const password = single(values, "password") ?? (await askPassword("Password: "));
  if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) throw new UsageError(`${email} already has an account.`);
  await db.user.create({
    data: {
      email,
      role: role as (typeof ROLES)[number],
      displayName: single(values, "name") ?? email.split("@")[0],
      passwordHash: await hashPassword(password),
    },
  });
  console.log(`Created ${role.toLowerCase()} ${email}.`);
}
