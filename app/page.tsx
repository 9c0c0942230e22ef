import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { homePathFor } from "@/lib/auth/roles";

export default async function Home() {
  const user = await currentUser();
  redirect(user ? homePathFor(user.role) : "/sign-in");
}
