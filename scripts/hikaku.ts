import { disconnectDb } from "@/lib/db";
import { createAdminCommand, usage as createAdminUsage } from "./commands/create-admin";
import { campaignCommand, usage as campaignUsage } from "./commands/campaign";
import { demoCommand, usage as demoUsage } from "./commands/demo";
import { importCommand, usage as importUsage } from "./commands/import";
import { ratingsCommand, usage as ratingsUsage } from "./commands/ratings";
import { userCommand, usage as userUsage } from "./commands/user";
import { openAppDatabase } from "./lib/app-database";
import { UsageError } from "./lib/cli-args";
import { InputError } from "@/lib/ratings/csv";

/**
 * `npm run hikaku -- <command>`: batch work and automation. Commands print their results on
 * stdout and everything else on stderr; a usage or input error exits with code 2.
 */

interface Command {
  usage: string;
  needsDatabase: boolean;
  run(argv: string[]): Promise<void>;
}

const commands: Record<string, Command> = {
  "create-admin": { usage: createAdminUsage, needsDatabase: true, run: createAdminCommand },
  user: { usage: userUsage, needsDatabase: true, run: userCommand },
  campaign: { usage: campaignUsage, needsDatabase: true, run: campaignCommand },
  import: { usage: importUsage, needsDatabase: true, run: importCommand },
  demo: { usage: demoUsage, needsDatabase: true, run: demoCommand },
  ratings: { usage: ratingsUsage, needsDatabase: false, run: ratingsCommand },
  migrate: {
    usage: "migrate   (apply pending migrations; the app also does this at start)",
    needsDatabase: true,
    run: async () => console.log("The database is up to date."),
  },
};

function printUsage(): void {
  console.error("Usage: npm run hikaku -- <command> [options]\n\nCommands:");
  for (const command of Object.values(commands)) console.error(`  ${command.usage}`);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    if (name && name !== "help" && name !== "--help") console.error(`Unknown command "${name}".\n`);
    printUsage();
    return name === "help" || name === "--help" ? 0 : 2;
  }
  if (!command.needsDatabase) {
    await command.run(rest);
    return 0;
  }
  const database = await openAppDatabase((line) => console.error(line));
  process.env.DATABASE_URL = database.url;
  try {
    await command.run(rest);
  } finally {
    await disconnectDb();
    await database.stop();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof InputError) {
      console.error(`Error: ${error.message}`);
      process.exit(2);
    }
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
