import { USAGES } from "./commands/usages";
import { UsageError } from "./lib/cli-args";

/**
 * `npm run hikaku -- <command>`: batch work and automation. Commands print their results on
 * stdout and everything else on stderr; a usage or input error exits with code 2. Each command's
 * module is loaded only when it runs, so a command that needs no database (ratings) does not pay
 * for loading the database client.
 */

interface CommandModule {
  usage: string;
  run(argv: string[]): Promise<void>;
}

interface Command {
  needsDatabase: boolean;
  load(): Promise<CommandModule>;
}

const commands: Record<string, Command> = {
  "create-admin": {
    needsDatabase: true,
    load: async () => import("./commands/create-admin").then((m) => ({ usage: m.usage, run: m.createAdminCommand })),
  },
  user: { needsDatabase: true, load: async () => import("./commands/user").then((m) => ({ usage: m.usage, run: m.userCommand })) },
  campaign: {
    needsDatabase: true,
    load: async () => import("./commands/campaign").then((m) => ({ usage: m.usage, run: m.campaignCommand })),
  },
  import: { needsDatabase: true, load: async () => import("./commands/import").then((m) => ({ usage: m.usage, run: m.importCommand })) },
  "import-votes": {
    needsDatabase: true,
    load: async () => import("./commands/import-votes").then((m) => ({ usage: m.usage, run: m.importVotesCommand })),
  },
  "export-votes": {
    needsDatabase: true,
    load: async () => import("./commands/export-votes").then((m) => ({ usage: m.usage, run: m.exportVotesCommand })),
  },
  "import-scores": {
    needsDatabase: true,
    load: async () => import("./commands/import-scores").then((m) => ({ usage: m.usage, run: m.importScoresCommand })),
  },
  judge: { needsDatabase: true, load: async () => import("./commands/judge").then((m) => ({ usage: m.usage, run: m.judgeCommand })) },
  agreement: {
    needsDatabase: true,
    load: async () => import("./commands/agreement").then((m) => ({ usage: m.usage, run: m.agreementCommand })),
  },
  leaderboard: {
    needsDatabase: true,
    load: async () => import("./commands/leaderboard").then((m) => ({ usage: m.leaderboardUsage, run: m.leaderboardCommand })),
  },
  correlations: {
    needsDatabase: true,
    load: async () => import("./commands/leaderboard").then((m) => ({ usage: m.correlationsUsage, run: m.correlationsCommand })),
  },
  prompts: {
    needsDatabase: true,
    load: async () => import("./commands/prompts").then((m) => ({ usage: m.usage, run: m.promptsCommand })),
  },
  model: { needsDatabase: true, load: async () => import("./commands/model").then((m) => ({ usage: m.usage, run: m.modelCommand })) },
  demo: { needsDatabase: true, load: async () => import("./commands/demo").then((m) => ({ usage: m.usage, run: m.demoCommand })) },
  simulate: {
    needsDatabase: true,
    load: async () => import("./commands/simulate").then((m) => ({ usage: m.usage, run: m.simulateCommand })),
  },
  ratings: {
    needsDatabase: false,
    load: async () => import("./commands/ratings").then((m) => ({ usage: m.usage, run: m.ratingsCommand })),
  },
  backup: {
    needsDatabase: true,
    load: async () => import("./commands/backup").then((m) => ({ usage: m.backupUsage, run: m.backupCommand })),
  },
  // Opens the database itself: a restore needs it empty, before any migration runs.
  restore: {
    needsDatabase: false,
    load: async () => import("./commands/backup").then((m) => ({ usage: m.restoreUsage, run: m.restoreCommand })),
  },
  migrate: {
    needsDatabase: true,
    load: async () => ({
      usage: "migrate   (apply pending migrations; the app also does this at start)",
      run: async () => console.log("The database is up to date."),
    }),
  },
};

async function printUsage(): Promise<void> {
  console.error("Usage: npm run hikaku -- <command> [options]\n\nCommands:");
  for (const name of Object.keys(commands)) console.error(`  ${USAGES[name as keyof typeof USAGES]}`);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name && Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    if (name && name !== "help" && name !== "--help") console.error(`Unknown command "${name}".\n`);
    await printUsage();
    return name === "help" || name === "--help" ? 0 : 2;
  }
  const loaded = await command.load();
  if (!command.needsDatabase) {
    await loaded.run(rest);
    return 0;
  }
  const { localSecret, openAppDatabase } = await import("./lib/app-database");
  const database = await openAppDatabase((line) => console.error(line));
  process.env.DATABASE_URL = database.url;
  // The same key as the app's, so an API key stored here can be read by `npm start`.
  process.env.HIKAKU_ENCRYPTION_KEY = localSecret("HIKAKU_ENCRYPTION_KEY", "encryption-key");
  try {
    await loaded.run(rest);
  } finally {
    const { disconnectDb } = await import("@/lib/db");
    await disconnectDb();
    await database.stop();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (error: unknown) => {
    const { InputError } = await import("@/lib/csv/read");
    if (error instanceof UsageError || error instanceof InputError) {
      console.error(`Error: ${error.message}`);
      process.exit(2);
    }
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
