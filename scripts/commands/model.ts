import { readFileSync } from "node:fs";
import { addEndpoint, endpointInputSchema, rotateApiKeys } from "@/lib/live/endpoints";
import { MissingEncryptionKey } from "@/lib/live/secrets";
import { campaignBySlug } from "../lib/campaign-arg";
import { integerOption, parseArgs, required, single, UsageError } from "../lib/cli-args";
import { USAGES } from "./usages";

export const usage = USAGES["model"];

function jsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new UsageError(`--params must be a JSON object, e.g. '{"temperature":0.7,"max_tokens":1024}'.`);
}

/** `model add`: a model of a live campaign, reached by URL (pushed) or by workers (pulled). */
export async function modelCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === "rotate-keys") {
    parseArgs(rest, { options: [], flags: [] });
    try {
      console.log(JSON.stringify(await rotateApiKeys(null)));
    } catch (error) {
      if (error instanceof MissingEncryptionKey) throw new UsageError(error.message);
      throw error;
    }
    return;
  }
  if (action !== "add") throw new UsageError(`Usage:\n  ${usage}`);
  const { values, flags } = parseArgs(rest, {
    options: ["campaign", "name", "base-url", "api-model", "api-key-env", "timeout-s", "concurrency", "system-prompt-file", "params"],
    flags: ["worker"],
  });
  const worker = flags.has("worker");
  if (worker && (values.has("base-url") || values.has("api-key-env") || values.has("api-model")))
    throw new UsageError("--worker models are reached by their workers: --base-url, --api-model and --api-key-env do not apply.");
  if (!worker && !values.has("base-url")) throw new UsageError("Give --base-url URL (pushed) or --worker (pulled).");
  const keyVariable = single(values, "api-key-env");
  const apiKey = keyVariable === undefined ? undefined : process.env[keyVariable];
  if (keyVariable !== undefined && !apiKey) throw new UsageError(`--api-key-env ${keyVariable}: that environment variable is not set.`);
  const systemPromptFile = single(values, "system-prompt-file");
  const input = endpointInputSchema.safeParse({
    name: required(values, "name"),
    kind: worker ? "PULLED" : "PUSHED",
    baseUrl: single(values, "base-url"),
    apiModel: single(values, "api-model"),
    apiKey,
    systemPrompt: systemPromptFile ? readFileSync(systemPromptFile, "utf8") : undefined,
    params: jsonObject(single(values, "params")),
    concurrency: integerOption(values, "concurrency", { min: 1, fallback: undefined }),
    timeoutSeconds: integerOption(values, "timeout-s", { min: 1, fallback: undefined }),
  });
  if (!input.success) throw new UsageError(input.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "));
  const campaign = await campaignBySlug(required(values, "campaign"));
  let result;
  try {
    result = await addEndpoint(null, campaign.id, input.data);
  } catch (error) {
    if (error instanceof MissingEncryptionKey) throw new UsageError(error.message);
    throw error;
  }
  if (!result.ok && result.code === "URL_REFUSED") throw new UsageError(`--base-url refused: ${result.message}.`);
  if (!result.ok)
    throw new UsageError(
      result.code === "NOT_LIVE"
        ? `Campaign "${campaign.slug}" is not a live campaign (create one with campaign create --live).`
        : `Campaign "${campaign.slug}" already has a model named "${input.data.name}".`,
    );
  if (result.workerToken) {
    // The token alone on stdout, so a script can capture it; it is not stored and cannot be shown again.
    console.log(result.workerToken);
    console.error(`Added pulled model ${input.data.name}. Keep the worker token above: it is shown only this once.`);
  } else {
    console.log(`Added model ${input.data.name} (pushed to ${input.data.baseUrl}).`);
  }
}
