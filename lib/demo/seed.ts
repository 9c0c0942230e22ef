import "server-only";
import { randomBytes } from "node:crypto";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";
import { importRows } from "@/lib/imports/write";
import type { ImportRow } from "@/lib/imports/rows";
import { DEMO_PROMPTS, type DemoPrompt } from "./content";
import { recordStudyPlan } from "@/lib/campaigns/study-plan";

export const DEMO_SLUG = "demo";

/** Five fictional models, best first: each answer is derived from the strong or weak answer. */
const DEMO_MODELS: { name: string; answer: (prompt: DemoPrompt) => string[] }[] = [
  { name: "kumo-70b", answer: (p) => p.strong.map((turn, i) => (i === p.strong.length - 1 ? `${turn}\n\n${closingNote(p)}` : turn)) },
  { name: "sora-13b", answer: (p) => p.strong },
  // Keeps only the first paragraph: right direction, but incomplete.
  { name: "hoshi-7b", answer: (p) => p.strong.map((turn) => turn.split(/\n\n/)[0]) },
  { name: "tsuki-3b", answer: (p) => p.weak },
  {
    name: "mame-1b",
    answer: (p) =>
      p.turns.map(() => (p.id.startsWith("ja") ? "すみません、その質問にはお答えできません。" : "Sorry, I am not able to help with that.")),
  },
];

function closingNote(prompt: DemoPrompt): string {
  return prompt.id.startsWith("ja")
    ? "ほかにも気になる点があれば、お気軽にお尋ねください。"
    : "Let me know if you would like more detail on any part.";
}

const DEMO_ACCOUNTS: { email: string; name: string; role: Role }[] = [
  { email: "demo-researcher@hikaku.example", name: "Demo Researcher", role: "RESEARCHER" },
  { email: "demo-annotator-1@hikaku.example", name: "Demo Annotator 1", role: "ANNOTATOR" },
  { email: "demo-annotator-2@hikaku.example", name: "Demo Annotator 2", role: "ANNOTATOR" },
];

const INSTRUCTIONS = `## 評価の手引き / How to judge

- 質問に対して **より役に立ち、正確で、読みやすい** 回答を選んでください。
- 長さではなく中身で判断してください。どちらも同程度なら「引き分け」、どちらも不適切なら「どちらも悪い」。
- Choose the answer that is **more helpful, correct and clear**. Judge content, not length.
- Keys: **1** A better · **2** B better · **3** tie · **4** both bad · **S** skip · **I** these instructions.`;

export interface DemoResult {
  slug: string;
  created: boolean;
  accounts: { email: string; password: string; role: Role }[];
}

/**
 * Creates (or refreshes) the demo campaign — 30 prompts in Japanese and English answered by five
 * fictional models of clearly different quality — and demo accounts with new passwords.
 */
export async function seedDemo(): Promise<DemoResult> {
  const existing = await db.campaign.findUnique({ where: { slug: DEMO_SLUG }, select: { id: true } });
  const campaign =
    existing ??
    (await db.campaign.create({
      data: { slug: DEMO_SLUG, name: "Hikaku デモ / Demo", instructions: INSTRUCTIONS, language: "ja", targetVotesPerItem: 2 },
      select: { id: true },
    }));
  const rows: ImportRow[] = DEMO_PROMPTS.flatMap((prompt) =>
    DEMO_MODELS.map((model, m) => ({
      line: m + 1,
      source: `demo:${prompt.id}`,
      promptId: prompt.id,
      turns: prompt.turns,
      category: prompt.category,
      model: model.name,
      outputTurns: model.answer(prompt),
    })),
  );
  await importRows(null, campaign.id, rows);
  await db.campaign.update({ where: { id: campaign.id }, data: { status: "ACTIVE" } });
  await recordStudyPlan(campaign.id);

  const accounts = await ensureDemoAccounts(campaign.id);
  return { slug: DEMO_SLUG, created: !existing, accounts };
}

/** The demo accounts, with new passwords, as members of the campaign (the researcher as co-researcher). */
export async function ensureDemoAccounts(campaignId: string): Promise<DemoResult["accounts"]> {
  const accounts = [];
  for (const account of DEMO_ACCOUNTS) {
    const password = randomBytes(9).toString("base64url");
    const passwordHash = await hashPassword(password);
    const user = await db.user.upsert({
      where: { email: account.email },
      update: { passwordHash, disabled: false },
      create: { email: account.email, displayName: account.name, role: account.role, passwordHash },
      select: { id: true },
    });
    await db.campaignMember.upsert({
      where: { campaignId_userId: { campaignId, userId: user.id } },
      update: {},
      create: { campaignId, userId: user.id },
    });
    accounts.push({ email: account.email, password, role: account.role });
  }
  return accounts;
}

/** True when nothing has been set up yet: no users and no campaigns. */
export async function databaseIsEmpty(): Promise<boolean> {
  const [users, campaigns] = await Promise.all([db.user.count(), db.campaign.count()]);
  return users === 0 && campaigns === 0;
}

export function describeDemo(result: DemoResult): string {
  const lines = [
    `Demo campaign "${result.slug}" ${result.created ? "created" : "refreshed"}. Demo accounts (passwords are new each time):`,
  ];
  for (const account of result.accounts) lines.push(`  ${account.role.padEnd(10)} ${account.email}  password: ${account.password}`);
  return lines.join("\n");
}
