import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { createOrResetAdmin } from "@/lib/users/users";
import { askPassword } from "../lib/ask-password";
import { parseArgs, required, single, UsageError } from "../lib/cli-args";
import { USAGES } from "./usages";

export const usage = USAGES["create-admin"];

export async function createAdminCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs(argv, { options: ["email", "password", "name"] });
  const email = required(values, "email");
  if (!z.email().safeParse(email).success) throw new UsageError(`"${email}" is not an e-mail address.`);
  let password = single(values, "password");
  if (password === undefined) {
    password = await askPassword("Password: ");
    const again = await askPassword("Repeat password: ");
    if (again !== password) throw new UsageError("The passwords do not match.");
  }
  if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
  const result = await createOrResetAdmin({ email, password, displayName: single(values, "name") });
  if (!result.ok) throw new UsageError(`${email} already exists and is not an admin; change its role on the Users page instead.`);
  console.log(result.created ? `Created admin ${email}.` : `${email} is an admin already; its password was reset and the account enabled.`);
}
