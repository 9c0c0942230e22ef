/**
 * Demo prompts with a strong and a weak answer each, written for Hikaku. The five demo models
 * are built from them (see seed.ts) so that their quality differs clearly and predictably.
 */
export interface DemoPrompt {
  id: string;
  category: string;
  turns: string[];
  strong: string[];
  weak: string[];
}

export const DEMO_PROMPTS: DemoPrompt[] = [
  {
    id: "ja-01",
    category: "writing",
    turns: ["春の京都を訪れる観光客向けに、3行の紹介文を書いてください。"],
    strong: [
      "**春の京都へようこそ。**\n\n哲学の道では桜のトンネルが続き、朝の清水寺は静けさに包まれます。\n夜は祇園白川の灯りと散り桜の中、ゆっくりと古都の時間をお楽しみください。",
    ],
    weak: ["京都は日本の都市です。春は桜があります。観光客が多いです。"],
  },
  {
    id: "ja-02",
    category: "knowledge",
    turns: ["日本で一番高い山と、その標高を教えてください。"],
    strong: ["日本で一番高い山は **富士山** で、標高は **3,776 m** です。静岡県と山梨県にまたがり、2013年に世界文化遺産に登録されました。"],
    weak: ["日本で一番高い山は北岳で、標高は約3,000mです。"],
  },
  {
    id: "ja-03",
    category: "math",
    turns: ["次の方程式を解いてください: $2x + 6 = 14$"],
    strong: ["両辺から 6 を引くと $2x = 8$、両辺を 2 で割ると\n\n$$x = 4$$\n\n検算: $2 \\times 4 + 6 = 14$ なので正しいです。"],
    weak: ["$x = 10$ です。"],
  },
  {
    id: "ja-04",
    category: "coding",
    turns: ["Python でリストの重複を、順序を保ったまま取り除く関数を書いてください。"],
    strong: [
      '辞書はキーの挿入順を保つので、`dict.fromkeys` を使うと簡潔に書けます。\n\n```python\ndef unique(items):\n    """順序を保ったまま重複を取り除く"""\n    return list(dict.fromkeys(items))\n\nprint(unique([3, 1, 3, 2, 1]))  # [3, 1, 2]\n```\n\n要素がハッシュ可能でない場合（リストのリストなど）は、見たものを記録しながらループしてください。',
    ],
    weak: ["```python\ndef unique(items):\n    return list(set(items))\n```"],
  },
  {
    id: "ja-05",
    category: "reasoning",
    turns: ["りんごが5個あります。2個食べて、3個買い足しました。今いくつありますか？"],
    strong: ["5 − 2 = 3 個、そこに 3 個買い足すので 3 + 3 = **6 個** です。"],
    weak: ["5 + 2 + 3 = 10 個です。"],
  },
  {
    id: "ja-06",
    category: "roleplay",
    turns: [
      "あなたは老舗旅館の女将です。到着したばかりのお客様に挨拶してください。",
      "お客様が「夕食は何時からですか？」と尋ねました。答えてください。",
    ],
    strong: [
      "ようこそお越しくださいました。遠いところ、お疲れでございましたでしょう。どうぞ、まずはお部屋でお茶をお召し上がりになって、ごゆっくりおくつろぎくださいませ。",
      "お夕食は 18 時から 20 時の間でお好きなお時間にご用意いたします。お部屋食でございますので、ご希望のお時間を仲居にお申し付けくださいませ。",
    ],
    weak: ["こんにちは。ようこそ。", "夕食は夜です。"],
  },
  {
    id: "ja-07",
    category: "extraction",
    turns: ["次の文から日付と場所を抜き出してください: 「第5回勉強会は2026年12月3日に大阪の梅田会議室で開催します。」"],
    strong: ["- 日付: **2026年12月3日**\n- 場所: **大阪・梅田会議室**"],
    weak: ["勉強会です。"],
  },
  {
    id: "ja-08",
    category: "stem",
    turns: ["光合成を中学生にもわかるように説明してください。"],
    strong: [
      "光合成とは、植物が **光のエネルギー** を使って栄養をつくるしくみです。\n\n1. 根から **水**、葉の気孔から **二酸化炭素** を取り込みます。\n2. 葉の **葉緑体** が日光を受けて、それらから **デンプンなどの養分** をつくります。\n3. そのとき **酸素** が出ます。\n\n式で書くと「二酸化炭素 ＋ 水 →（光）→ 養分 ＋ 酸素」です。",
    ],
    weak: ["光合成は植物が呼吸することです。酸素を吸って二酸化炭素を出します。"],
  },
  {
    id: "ja-09",
    category: "writing",
    turns: ["取引先に、納期が1週間遅れることをお詫びするメールの件名と本文を書いてください。"],
    strong: [
      "**件名:** 【お詫び】ご注文品の納期遅延について\n\n株式会社〇〇\n〇〇様\n\nいつも大変お世話になっております。△△株式会社の□□です。\n\nご注文いただいております製品につきまして、部品調達の遅れにより、納期が当初の予定より **1週間遅れる** 見込みとなりました。ご迷惑をおかけし、誠に申し訳ございません。\n\n新しい納期は **12月10日** を予定しております。進捗は随時ご報告いたします。\n\n何卒よろしくお願い申し上げます。",
    ],
    weak: ["件名: 遅れます\n\n納期が遅れます。すみません。"],
  },
  {
    id: "ja-10",
    category: "math",
    turns: ["半径 3 cm の円の面積を求めてください。", "では、その円を底面とする高さ 5 cm の円柱の体積は？"],
    strong: [
      "円の面積は $\\pi r^2 = \\pi \\times 3^2 = 9\\pi \\approx 28.27\\,\\text{cm}^2$ です。",
      "円柱の体積は 底面積 × 高さ なので $9\\pi \\times 5 = 45\\pi \\approx 141.37\\,\\text{cm}^3$ です。",
    ],
    weak: ["$2 \\pi r = 6\\pi$ cm² です。", "$6\\pi + 5$ cm³ です。"],
  },
  {
    id: "ja-11",
    category: "knowledge",
    turns: ["「枕草子」の作者は誰ですか？一言で説明も添えてください。"],
    strong: ["作者は **清少納言** です。平安時代中期、一条天皇の中宮定子に仕えた女房で、宮廷での見聞や季節の美しさを随筆にまとめました。"],
    weak: ["紫式部です。"],
  },
  {
    id: "ja-12",
    category: "coding",
    turns: ["SQL で、社員テーブル `employees(name, department, salary)` から部署ごとの平均給与を求めるクエリを書いてください。"],
    strong: [
      "```sql\nSELECT department, AVG(salary) AS average_salary\nFROM employees\nGROUP BY department\nORDER BY average_salary DESC;\n```\n\n`GROUP BY` で部署ごとにまとめ、`AVG` で平均を計算しています。",
    ],
    weak: ["```sql\nSELECT AVG(salary) FROM employees;\n```"],
  },
  {
    id: "ja-13",
    category: "reasoning",
    turns: ["AさんはBさんより背が高く、CさんはAさんより背が高いです。一番背が低いのは誰ですか？"],
    strong: ["C ＞ A ＞ B の順なので、一番背が低いのは **Bさん** です。"],
    weak: ["Aさんです。"],
  },
  {
    id: "ja-14",
    category: "writing",
    turns: ["「継続は力なり」をテーマに、小学生向けの短いスピーチを書いてください。"],
    strong: [
      "みなさん、「継続は力なり」という言葉を知っていますか。毎日少しずつでも続けることが、大きな力になるという意味です。\n\n私は一年生のとき、縄跳びが 10 回しか跳べませんでした。でも毎朝 5 分練習を続けたら、今では 200 回跳べます。\n\n一日ではわからない変化も、続ければ必ず形になります。みなさんも、何か一つ続けてみませんか。",
    ],
    weak: ["継続は力なりです。がんばりましょう。以上です。"],
  },
  {
    id: "ja-15",
    category: "stem",
    turns: ["地震のマグニチュードと震度の違いを教えてください。"],
    strong: [
      "| | マグニチュード | 震度 |\n|---|---|---|\n| 表すもの | 地震そのものの規模（エネルギー） | ある場所での揺れの強さ |\n| 1回の地震での値 | 1つ | 場所ごとに異なる |\n| 日本の尺度 | M（例: M7.3） | 0〜7 の10階級 |\n\nマグニチュードが 1 大きいと、エネルギーは約 32 倍になります。",
    ],
    weak: ["どちらも地震の大きさで、同じ意味です。"],
  },
  {
    id: "ja-16",
    category: "roleplay",
    turns: [
      "あなたは図書館の司書です。「初心者におすすめのプログラミングの本は？」と聞かれました。",
      "「数学が苦手でも大丈夫ですか？」と続けて聞かれました。",
    ],
    strong: [
      "いらっしゃいませ。初めての方には、図解の多い入門書をおすすめしています。まず作りたいもの（ウェブサイト、ゲーム、仕事の自動化など）を教えていただければ、それに合った言語の入門書をご案内しますね。Python の入門書は特に人気があります。",
      "はい、大丈夫ですよ。入門段階で必要なのは四則演算くらいです。むしろ、手を動かしてプログラムを書いてみることの方が大切です。練習問題付きの本を一緒に探しましょう。",
    ],
    weak: ["本はあちらの棚にあります。", "わかりません。"],
  },
  {
    id: "en-01",
    category: "writing",
    turns: ["Write a haiku about a rainy Monday morning."],
    strong: ["Grey rain on the glass —\nthe kettle hums a slow tune,\nthe week clears its throat."],
    weak: ["Rain is falling down\nMonday is a rainy day\nI do not like rain\nIt is wet"],
  },
  {
    id: "en-02",
    category: "coding",
    turns: ["Write a JavaScript function that checks whether a string is a palindrome, ignoring case and punctuation."],
    strong: [
      '```js\nfunction isPalindrome(text) {\n  const letters = text.toLowerCase().replace(/[^\\p{L}\\p{N}]/gu, "");\n  return letters === [...letters].reverse().join("");\n}\n\nisPalindrome("A man, a plan, a canal: Panama"); // true\n```\n\nThe Unicode-aware pattern keeps letters and digits of any script, so it also works for accented text.',
    ],
    weak: ["```js\nfunction isPalindrome(s) {\n  return s == s.reverse();\n}\n```"],
  },
  {
    id: "en-03",
    category: "math",
    turns: ["What is the derivative of $f(x) = x^3 \\sin x$?"],
    strong: ["By the product rule, $(uv)' = u'v + uv'$ with $u = x^3$ and $v = \\sin x$:\n\n$$f'(x) = 3x^2 \\sin x + x^3 \\cos x$$"],
    weak: ["$f'(x) = 3x^2 \\cos x$"],
  },
  {
    id: "en-04",
    category: "knowledge",
    turns: ["Why is the sky blue?"],
    strong: [
      "Sunlight contains all visible colours. As it passes through the atmosphere, it scatters off gas molecules much smaller than its wavelength (**Rayleigh scattering**), and the amount of scattering grows sharply for shorter wavelengths (∝ 1/λ⁴). Blue light is scattered far more than red, so blue reaches our eyes from every direction of the sky. At sunset the light crosses much more air, the blue is scattered away, and the reds and oranges remain.",
    ],
    weak: ["Because it reflects the ocean."],
  },
  {
    id: "en-05",
    category: "reasoning",
    turns: ["A bat and a ball cost $1.10 in total. The bat costs $1.00 more than the ball. How much does the ball cost?"],
    strong: [
      "Let the ball cost *b*. Then the bat costs *b* + 1.00, and *b* + (*b* + 1.00) = 1.10, so 2*b* = 0.10 and **the ball costs $0.05** (the bat $1.05).",
    ],
    weak: ["The ball costs $0.10."],
  },
  {
    id: "en-06",
    category: "extraction",
    turns: [
      'List the people and their roles mentioned here: "Dr. Mei Tanaka led the study, while Omar Haddad handled the statistics and Lena Berg wrote the report."',
    ],
    strong: [
      "| Person | Role |\n|---|---|\n| Dr. Mei Tanaka | led the study |\n| Omar Haddad | statistics |\n| Lena Berg | wrote the report |",
    ],
    weak: ["Mei Tanaka, Omar Haddad."],
  },
  {
    id: "en-07",
    category: "writing",
    turns: [
      "Give me three tips for writing a clear bug report.",
      "Now turn those tips into a short template I can paste into an issue tracker.",
    ],
    strong: [
      "1. **Say how to reproduce it**: the exact steps, input and environment (version, OS, browser).\n2. **Separate expected from actual behaviour**, quoting error messages word for word.\n3. **Keep one problem per report** and attach the smallest example that still fails.",
      "```markdown\n### Steps to reproduce\n1.\n2.\n\n### Expected behaviour\n\n### Actual behaviour (exact error message)\n\n### Environment\n- Version:\n- OS / browser:\n\n### Minimal example\n```",
    ],
    weak: ["Write clearly. Be nice. Add details.", "Title: Bug\nDescription: It doesn't work."],
  },
  {
    id: "en-08",
    category: "coding",
    turns: [
      "Explain what this Python code prints and why:\n\n```python\ndef f(x, acc=[]):\n    acc.append(x)\n    return acc\n\nprint(f(1), f(2))\n```",
    ],
    strong: [
      "It prints `[1, 2] [1, 2]`.\n\nThe default list is created **once**, when the function is defined, and every call without `acc` shares it. `f(1)` appends 1, `f(2)` appends 2 to the same list, and both calls return that one list, so by the time `print` runs it holds `[1, 2]`. Use `acc=None` and create a new list inside the function to avoid this.",
    ],
    weak: ["It prints `[1] [2]` because each call gets a new list."],
  },
  {
    id: "en-09",
    category: "stem",
    turns: ["How long does light from the Sun take to reach Earth?"],
    strong: [
      "About **8 minutes 20 seconds** on average: the mean distance is about 1.496 × 10⁸ km and light travels about 3.0 × 10⁵ km/s, so 1.496 × 10⁸ / 3.0 × 10⁵ ≈ 499 s.",
    ],
    weak: ["About one second."],
  },
  {
    id: "en-10",
    category: "math",
    turns: ["Compute $\\int_0^1 2x\\,dx$.", "And what is $\\int_0^2 2x\\,dx$?"],
    strong: ["$\\int_0^1 2x\\,dx = \\left[x^2\\right]_0^1 = 1$.", "$\\int_0^2 2x\\,dx = \\left[x^2\\right]_0^2 = 4$."],
    weak: ["It is 2.", "It is 2 again."],
  },
  {
    id: "en-11",
    category: "roleplay",
    turns: ["You are a hotel receptionist. A guest says their room is too noisy. Respond."],
    strong: [
      "I'm very sorry about the noise — that's no way to spend your stay. Let me see what I can do right away: I have a quieter room on a higher floor, away from the street and the lift. Would you like me to move you there now? I can also have your luggage brought up.",
    ],
    weak: ["All rooms are like that."],
  },
  {
    id: "en-12",
    category: "knowledge",
    turns: ["What is the difference between weather and climate?"],
    strong: [
      "**Weather** is the state of the atmosphere at a given place and time — today's rain, wind and temperature. **Climate** is the long-term pattern of weather in a region, usually averaged over 30 years or more. Weather tells you what to wear today; climate tells you what clothes to own.",
    ],
    weak: ["They are the same thing."],
  },
  {
    id: "en-13",
    category: "reasoning",
    turns: ["If it takes 5 machines 5 minutes to make 5 widgets, how long would it take 100 machines to make 100 widgets?"],
    strong: [
      "**5 minutes.** Each machine makes one widget in 5 minutes, so 100 machines working in parallel make 100 widgets in the same 5 minutes.",
    ],
    weak: ["100 minutes."],
  },
  {
    id: "en-14",
    category: "coding",
    turns: [
      "Write a TypeScript type for a function that takes an array of numbers and returns their sum, and implement it.",
      "Make it also accept an empty array and explain what it returns then.",
    ],
    strong: [
      "```ts\ntype Sum = (values: readonly number[]) => number;\n\nconst sum: Sum = (values) => values.reduce((total, value) => total + value, 0);\n```",
      "It already does: `reduce` starts from the initial value `0`, so `sum([])` returns **0** — the identity for addition, which keeps `sum(a.concat(b)) === sum(a) + sum(b)` true. Without the `0`, `reduce` on an empty array would throw a `TypeError`.",
    ],
    weak: ["```ts\nfunction sum(a) { return a.reduce((x, y) => x + y) }\n```", "It returns 0."],
  },
];
