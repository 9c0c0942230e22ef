import { describe, expect, it } from "vitest";
import {
  estimatedSimilarity,
  findDuplicate,
  fingerprint,
  minhashSignature,
  NEAR_DUPLICATE_SIMILARITY,
  normalisePrompt,
  shingles,
} from "./dedup";

const LONG =
  "次の文章を読んで、筆者がもっとも伝えたいことを三十字以内でまとめてください。文章：「働き方が変わり、通勤の時間が減った分、家族と過ごす時間が増えたという声が多い。」";

function jaccard(a: string, b: string): number {
  const x = shingles(normalisePrompt([a]));
  const y = shingles(normalisePrompt([b]));
  const shared = [...x].filter((s) => y.has(s)).length;
  return shared / (x.size + y.size - shared);
}

const withId = (id: string, turns: string[]) => ({ id, ...fingerprint(turns) });

describe("prompt de-duplication", () => {
  it("normalises width, case and white space, and joins the turns with a newline", () => {
    expect(normalisePrompt(["  ＨＥＬＬＯ\u3000World \n\n again  "])).toBe("hello world again");
    expect(normalisePrompt(["First?", "Second?"])).toBe("first? second?");
    // A space beside Japanese text is layout, not a word break.
    expect(normalisePrompt(["日本の首都は どこ？ Tokyo ですか"])).toBe("日本の首都はどこ? tokyoですか");
    // The same words in another turn split are the same text.
    expect(fingerprint(["First?", "Second?"]).textHash).toBe(fingerprint(["first?\nsecond?"]).textHash);
    expect(fingerprint(["First?"]).textHash).not.toBe(fingerprint(["First!"]).textHash);
  });

  it("finds an exact repeat after normalisation, naming the earliest earlier prompt", () => {
    const earlier = [withId("a", ["What is the capital of Japan?"]), withId("b", ["what is the capital of japan?"])];
    expect(findDuplicate(fingerprint(["What is  the capital of ＪＡＰＡＮ?"]), earlier)).toEqual({
      duplicateOf: "a",
      kind: "EXACT",
      similarity: 1,
    });
  });

  it("finds a near repeat of a Japanese prompt with a word changed, and not a different prompt", () => {
    const edited = LONG.replace("家族", "子ども");
    expect(jaccard(LONG, edited)).toBeGreaterThan(0.8);
    const match = findDuplicate(fingerprint([edited]), [withId("other", ["日本の首都はどこですか？"]), withId("original", [LONG])]);
    expect(match).toMatchObject({ duplicateOf: "original", kind: "NEAR" });
    expect(match!.similarity).toBeGreaterThanOrEqual(NEAR_DUPLICATE_SIMILARITY);
    // Half of it rewritten: not a repeat.
    const rewritten = LONG.slice(0, 40) + "在宅勤務の利点と欠点を、具体例を挙げて三つずつ説明してください。";
    expect(jaccard(LONG, rewritten)).toBeLessThan(0.5);
    expect(findDuplicate(fingerprint([rewritten]), [withId("original", [LONG])])).toBeNull();
  });

  it("estimates the shingle sets' Jaccard similarity from the signatures", () => {
    const variants = [
      LONG.replace("三十字", "五十字"),
      LONG.slice(10),
      LONG + "箇条書きで。",
      LONG.slice(0, 60),
      "全く関係のない質問です。",
    ];
    for (const variant of variants) {
      const estimate = estimatedSimilarity(minhashSignature(normalisePrompt([LONG])), minhashSignature(normalisePrompt([variant])));
      expect(Math.abs(estimate - jaccard(LONG, variant)), variant).toBeLessThan(0.15);
    }
  });

  it("handles prompts shorter than a shingle", () => {
    expect(shingles("hi")).toEqual(new Set(["hi"]));
    expect(findDuplicate(fingerprint(["Hi"]), [withId("a", ["hi"])])).toMatchObject({ duplicateOf: "a", kind: "EXACT" });
    expect(findDuplicate(fingerprint(["Hi"]), [withId("a", ["ho"])])).toBeNull();
  });
});

describe("prompt de-duplication's parts", () => {
  it("cuts every five-character shingle, the last one included", () => {
    expect(shingles("abcdefg")).toEqual(new Set(["abcde", "bcdef", "cdefg"]));
    expect(shingles("abcde")).toEqual(new Set(["abcde"]));
    expect(shingles("abc")).toEqual(new Set(["abc"]));
  });

  it("takes a candidate that shares a band only when its estimated similarity reaches the threshold", () => {
    const prompt = { textHash: "a", minhash: Array.from({ length: 64 }, (_, k) => k), bands: [7] };
    // Shares the band (as unrelated prompts sometimes do) but only 10 of 64 signature values.
    const unlike = { id: "unlike", textHash: "b", minhash: Array.from({ length: 64 }, (_, k) => (k < 10 ? k : 1000 + k)), bands: [7] };
    expect(findDuplicate(prompt, [unlike])).toBeNull();
    // 52 of 64 (0.81): a near repeat.
    const like = { id: "like", textHash: "c", minhash: Array.from({ length: 64 }, (_, k) => (k < 52 ? k : 1000 + k)), bands: [7] };
    expect(findDuplicate(prompt, [unlike, like])).toEqual({ duplicateOf: "like", kind: "NEAR", similarity: 52 / 64 });
  });
});
