/**
 * What Hikaku asks a judge: FastChat's `pair-v2` semantics in our own words — compare two
 * assistants' answers to the same question, explain briefly, then give the verdict as [[A]],
 * [[B]] or [[C]] (a tie) — with a multi-turn variant that judges the answers to the last user turn
 * of the conversation so far, and a reference-guided one for math, reasoning and coding prompts
 * that carry a reference answer. `pair-ja` is our Japanese variant. The assistants are only ever
 * "A" and "B": no model name reaches the judge.
 */

import type { ChatMessage } from "@/lib/live/openai";

export const BUILT_IN_PROMPTS = ["pair", "pair-ja"] as const;
export type BuiltInPrompt = (typeof BUILT_IN_PROMPTS)[number];

/** Categories whose prompts are judged against their reference answer when they have one (as FastChat's NEED_REF_CATS). */
const REFERENCE_CATEGORIES = new Set(["math", "reasoning", "coding"]);

interface Wording {
  system: string;
  systemWithReference: string;
  multiTurnNote: string;
  userTurn: (n: number) => string;
  answerStart: (side: "A" | "B") => string;
  answerEnd: (side: "A" | "B") => string;
  reference: string;
  referenceEnd: string;
  question: string;
}

const VERDICT_RULE_EN =
  'After your explanation, end with your verdict in exactly this form: "[[A]]" if assistant A is better, "[[B]]" if assistant B is better, "[[C]]" if they are equally good.';

const ENGLISH: Wording = {
  system: [
    "You are an impartial judge of two AI assistants' answers to the same user question.",
    "Decide which answer better follows the user's instructions and better answers the question, weighing helpfulness, relevance, accuracy, depth, creativity and level of detail.",
    "Start by comparing the two answers and give a short explanation.",
    "The order in which the answers appear must not affect your decision, nor must their length or the assistants' names. Be as objective as you can.",
    VERDICT_RULE_EN,
  ].join(" "),
  systemWithReference: [
    "You are an impartial judge of two AI assistants' answers to the same user question. A reference answer is given.",
    "Decide which answer is more correct and more helpful. Compare both answers with the reference, point out and correct any mistakes, and give a short explanation.",
    "The order in which the answers appear must not affect your decision, nor must their length or the assistants' names. Be as objective as you can.",
    VERDICT_RULE_EN,
  ].join(" "),
  multiTurnNote: "Judge the answers to the last user turn; the earlier turns are the conversation so far.",
  userTurn: (n) => `[User, turn ${n}]`,
  answerStart: (side) => `[Start of assistant ${side}'s answer]`,
  answerEnd: (side) => `[End of assistant ${side}'s answer]`,
  reference: "[Start of the reference answer]",
  referenceEnd: "[End of the reference answer]",
  question: "[User question]",
};

const VERDICT_RULE_JA =
  "説明のあとに、判定を必ず次の形で最後に書いてください: アシスタント A の方が良ければ「[[A]]」、アシスタント B の方が良ければ「[[B]]」、同程度なら「[[C]]」。";

const JAPANESE: Wording = {
  system: [
    "あなたは、同じユーザーの質問に対する 2 つの AI アシスタントの回答を公平に評価する審査員です。",
    "ユーザーの指示により従い、質問により良く答えているのはどちらかを、有用性・関連性・正確さ・深さ・創造性・詳しさを考慮して判断してください。",
    "回答は日本語で書かれているべきです。ユーザーが日本語で尋ねているのに日本語以外で答えている回答や、不自然な日本語の回答は評価を下げてください。",
    "まず 2 つの回答を比較し、短い説明を書いてください。回答の提示順、長さ、アシスタントの名前に判断を左右されないでください。できるだけ客観的に評価してください。",
    VERDICT_RULE_JA,
  ].join(""),
  systemWithReference: [
    "あなたは、同じユーザーの質問に対する 2 つの AI アシスタントの回答を公平に評価する審査員です。参考解答が与えられます。",
    "どちらの回答がより正確で役に立つかを判断してください。両方の回答を参考解答と比べ、誤りがあれば指摘して正し、短い説明を書いてください。",
    "回答は日本語で書かれているべきです。回答の提示順、長さ、アシスタントの名前に判断を左右されないでください。できるだけ客観的に評価してください。",
    VERDICT_RULE_JA,
  ].join(""),
  multiTurnNote: "最後のユーザーの発言への回答を評価してください。それより前の発言はそこまでの会話です。",
  userTurn: (n) => `[ユーザー・ターン ${n}]`,
  answerStart: (side) => `[アシスタント ${side} の回答ここから]`,
  answerEnd: (side) => `[アシスタント ${side} の回答ここまで]`,
  reference: "[参考解答ここから]",
  referenceEnd: "[参考解答ここまで]",
  question: "[ユーザーの質問]",
};

export interface JudgedPair {
  /** The user turns up to and including the judged one. */
  userTurns: string[];
  /** Each side's answers to those turns, A shown first. */
  answersA: string[];
  answersB: string[];
  category: string | null;
  /** The reference answer's turns, when the prompt has one. */
  reference: string[] | null;
}

/** Whether FastChat would judge this pair against its reference answer. */
export function usesReference(pair: Pick<JudgedPair, "category" | "reference">): boolean {
  return Boolean(pair.reference?.length) && REFERENCE_CATEGORIES.has((pair.category ?? "").toLowerCase());
}

/**
 * The chat messages for one judgment: a system message (the built-in wording, or a researcher's
 * own text from a prompt file) and the question(s) with both answers. One user turn shows the
 * question and the two answers; more show each assistant's conversation in full.
 */
export function judgeMessages(prompt: BuiltInPrompt | { system: string }, pair: JudgedPair): ChatMessage[] {
  const wording = prompt === "pair-ja" ? JAPANESE : ENGLISH;
  const reference = usesReference(pair);
  const system = typeof prompt === "object" ? prompt.system : reference ? wording.systemWithReference : wording.system;
  const lines: string[] = [];
  const turns = pair.userTurns.length;
  if (reference && pair.reference) {
    lines.push(wording.reference, pair.reference.slice(0, turns).join("\n\n"), wording.referenceEnd, "");
  }
  if (turns === 1) {
    lines.push(wording.question, pair.userTurns[0], "");
    for (const [side, answers] of [
      ["A", pair.answersA],
      ["B", pair.answersB],
    ] as const) {
      lines.push(wording.answerStart(side), answers[0] ?? "", wording.answerEnd(side), "");
    }
  } else {
    lines.push(wording.multiTurnNote, "");
    for (const [side, answers] of [
      ["A", pair.answersA],
      ["B", pair.answersB],
    ] as const) {
      lines.push(`<<< ${side} >>>`);
      pair.userTurns.forEach((question, i) => {
        lines.push(wording.userTurn(i + 1), question, wording.answerStart(side), answers[i] ?? "", wording.answerEnd(side), "");
      });
    }
  }
  return [
    { role: "system", content: system },
    { role: "user", content: lines.join("\n").trim() },
  ];
}

/**
 * The verdict in a judge's reply, read as FastChat reads it: [[A]] first, then [[B]], then [[C]]
 * (a tie); anything else is no verdict (an error, never a tie).
 */
export function parseVerdict(reply: string): "A" | "B" | "tie" | null {
  if (reply.includes("[[A]]")) return "A";
  if (reply.includes("[[B]]")) return "B";
  if (reply.includes("[[C]]")) return "tie";
  return null;
}
