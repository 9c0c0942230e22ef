import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { db } from "@/lib/db";
import { importFile, importMtBench, ImportRejected } from "@/lib/imports/read-files";
import { formatImportErrors } from "@/lib/imports/rows";
import { parseArgs, required, single, UsageError } from "../lib/cli-args";
import { USAGES } from "./usages";

export const usage = USAGES["import"];

function read(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** Prints the summary as JSON on stdout; a rejected file prints every problem on stderr and exits 2. */
export async function importCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs(argv, { options: ["campaign", "file", "mtbench-questions", "mtbench-answers"] });
  const slug = required(values, "campaign");
  const campaign = await db.campaign.findUnique({ where: { slug }, select: { id: true } });
  if (!campaign)
    throw new UsageError(`There is no campaign "${slug}". Create it first: npm run hikaku -- campaign create --slug ${slug} --name …`);
  const progress = (stage: string) => process.stderr.write(`${stage}\n`);
  const file = single(values, "file");
  const questions = single(values, "mtbench-questions");
  try {
    let summary;
    if (file) {
      summary = await importFile(null, campaign.id, { name: basename(file), content: read(file) }, progress);
    } else if (questions) {
      const dir = required(values, "mtbench-answers");
      if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
        throw new UsageError(`--mtbench-answers must be a folder of <model>.jsonl files.`);
      const answers = readdirSync(dir)
        .filter((name) => name.endsWith(".jsonl"))
        .sort()
        .map((name) => ({ name: `${basename(dir)}/${name}`, content: read(join(dir, name)) }));
      summary = await importMtBench(null, campaign.id, { name: basename(questions), content: read(questions) }, answers, progress);
    } else {
      throw new UsageError(`Give --file, or --mtbench-questions with --mtbench-answers.\n  ${usage}`);
    }
    console.log(JSON.stringify(summary));
  } catch (error) {
    if (error instanceof ImportRejected)
      throw new UsageError(
        `the import was rejected, nothing was saved (${error.errors.length} problem(s)):\n${formatImportErrors(error.errors)}`,
      );
    throw error;
  }
}
