/** Makes the CLI's bundle (scripts/cli.mjs). */
export function buildCli(): Promise<void>;
