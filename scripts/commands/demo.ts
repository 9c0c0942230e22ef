import { describeDemo, seedDemo } from "@/lib/demo/seed";
import { parseArgs } from "../lib/cli-args";

export const usage = "demo   (create or refresh the demo campaign and print demo accounts)";

export async function demoCommand(argv: string[]): Promise<void> {
  parseArgs(argv, {});
  console.log(describeDemo(await seedDemo()));
}
