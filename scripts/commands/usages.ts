/**
 * Every command's usage, apart from the commands themselves: `help` prints them all without
 * loading a single command module (and the database client they bring).
 */

/** The leaderboard's filters as CLI options (scripts/lib/filter-args.ts reads them). */
export const FILTER_USAGE =
  "[--category C] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--exclude-bothbad] [--include-flagged] [--exclude-duplicates]";

export const USAGES = {
  "create-admin": "create-admin --email EMAIL [--password PASSWORD] [--name NAME]   (prompts for the password when omitted)",
  user: "user create --email EMAIL --role ADMIN|RESEARCHER|ANNOTATOR [--password P] [--name NAME]   (for scripted set-ups; people normally use invitation links)",
  campaign: [
    "campaign create --slug SLUG --name NAME [--owner EMAIL] [--target N] [--strategy BALANCED|ACTIVE|UNIFORM] [--goal top=K|adjacent=DELTA|votes=N] [--daily-cap N] [--min-seconds N] [--instructions-file F] [--reveal-models] [--corrections off|optional|required] [--live [--max-turns N] [--prompts-per-hour N] [--max-prompt-chars N] [--blocked-words-file F]]",
    "campaign status --slug SLUG --to DRAFT|ACTIVE|CLOSED",
    "campaign add-member --slug SLUG --email EMAIL",
  ].join("\n  "),
  import: [
    "import --campaign SLUG --file rows.jsonl|rows.csv",
    "import --campaign SLUG --mtbench-questions question.jsonl --mtbench-answers model_answer/",
  ].join("\n  "),
  "import-votes": "import-votes --campaign SLUG --file battles.csv|battles.jsonl|battles.parquet [--format csv|jsonl|parquet]",
  "export-votes": `export-votes --campaign SLUG --format csv|jsonl|parquet [--out FILE] ${FILTER_USAGE} [--judges]   (--out DIR/: votes.FORMAT and the study plan in study.json; --judges: the LLM judges' verdicts as rows too, with a judge_kind column; csv or jsonl)`,
  "import-scores":
    "import-scores --campaign SLUG --file scores.csv   (the campaign's benchmark scores; CSV: model,benchmark,score[,higher_is_better])",
  judge: [
    "judge import --campaign SLUG --file model_judgment/JUDGE_pair.jsonl|JUDGE_single.jsonl [--name N]   (FastChat's judge outputs as an LLM judge's verdicts, beside the human votes)",
    "judge run --campaign SLUG --name N --base-url URL [--api-model M] [--api-key-env VAR] [--prompt pair|pair-ja|FILE] [--limit N] [--concurrency N] [--no-swap]   (judge the campaign's pairs with an OpenAI-compatible model, both orders, humans' pairs first; resumes where it stopped)",
  ].join("\n  "),
  agreement: `agreement --campaign SLUG [--judge N] [--category C] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--include-flagged] [--exclude-duplicates] [--format json|csv]   (each judge against the humans and the humans against each other, per turn, as FastChat's compute_agreement.py counts)`,
  leaderboard: `leaderboard --campaign SLUG ${FILTER_USAGE} [--anchor NAME=RATING] [--style-control] [--by category|language [--min-battles N] | --robustness] [--format json|csv]\n  leaderboard --campaign SLUG --judge N [--category C] [--exclude-duplicates] [--anchor NAME=RATING] [--format json|csv]   (an LLM judge's own board from its verdicts)`,
  correlations: `correlations --campaign SLUG ${FILTER_USAGE} [--format json|csv]`,
  prompts: [
    "prompts duplicates --campaign SLUG [--format json|csv]   (prompts that repeat an earlier one: same normalised text, or near by shingle similarity)",
    "prompts exclude --campaign SLUG --prompt ID [--reason TEXT] · prompts include --campaign SLUG --prompt ID   (leave a prompt out of results, exports and serving, or take it back)",
  ].join("\n  "),
  model: [
    "model add --campaign SLUG --name NAME --base-url URL [--api-model M] [--api-key-env VAR] [--timeout-s N] [--concurrency N] [--system-prompt-file F] [--params JSON]   (pushed: the server calls the endpoint)",
    "model add --campaign SLUG --name NAME --worker [--timeout-s N] [--system-prompt-file F] [--params JSON]   (pulled: prints the worker token once)",
    "model rotate-keys   (after changing HIKAKU_ENCRYPTION_KEY with the old one as HIKAKU_ENCRYPTION_KEY_PREVIOUS: stores every API key, of models and of judges, under the new one)",
  ].join("\n  "),
  demo: "demo [--mtbench DIR [--scores FILE]]   (create or refresh the fictional demo, or a Japanese MT-Bench campaign from FastChat's files — with model_judgment/*_pair.jsonl and *_single.jsonl as judges when present — and print demo accounts)",
  simulate:
    "simulate --slug S --truth truth.json --votes N [--strategy uniform|balanced|active] [--annotators K] [--prompts P] [--seed X] [--tie 0.15] [--bothbad 0.05] [--noisy-annotators 0.2] [--votes-per-day 200] [--daily-cap N] [--goal top=K|adjacent=DELTA|votes=N]   (a study on synthetic prompts whose true ratings you know: campaign S, its annotators and N votes cast through the real scheduler on a simulated clock)",
  ratings: "ratings --input votes.csv [--rounds 1000] [--seed 0] [--anchor NAME=RATING] [--exclude-bothbad] [--threads N]",
  backup: "backup --out FILE   (the whole database as one plain SQL file; psql can restore it too)",
  restore: "restore --file FILE   (into an empty database, then newer migrations are applied)",
  migrate: "migrate   (apply pending migrations; the app also does this at start)",
} as const;
