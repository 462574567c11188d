/**
 * Deterministic synthetic papers for fault tests and benchmarks: realistic
 * lengths and vocabulary, no copied text. The same seed gives the same corpus.
 */
const WORDS = (
  "model training data learning network attention transformer layer token language vision image text retrieval " +
  "benchmark accuracy dataset method results performance efficient scaling reasoning policy reward agent robot " +
  "graph diffusion generation sampling noise latent encoder decoder embedding contrastive supervised loss gradient " +
  "optimizer memory inference latency compression quantization sparse experts routing alignment preference human " +
  "evaluation evidence baseline ablation robust adversarial uncertainty calibration speech audio video multimodal"
).split(" ");

/**
 * Rare words too, as real abstracts have: ~3,000 made-up terms from syllables
 * (model names, jargon), drawn for about one word in four. A vocabulary of only
 * common words would flatter any per-word cache.
 */
const SYLLABLES = "ra ko mi tu sel var nex lo qua din pho tron gra vel zen mor".split(" ");
const RARE_WORDS = Array.from({ length: 3000 }, (_, i) => {
  const a = SYLLABLES[i % 16]!;
  const b = SYLLABLES[Math.floor(i / 16) % 16]!;
  const c = SYLLABLES[Math.floor(i / 256) % 16]!;
  return `${a}${b}${c}${i % 7 === 0 ? "former" : i % 5 === 0 ? "net" : ""}`;
});

const FUNCTION_WORDS = "the of and a to in is for that with we on by this are as from our which be".split(" ");

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface SyntheticPaper {
  title: string;
  summary: string;
  authors: string[];
  publishedAt: string;
  upvotes: number;
}

/** `count` papers whose summaries are about `sentencesPerPaper` sentences long. */
export function generatePapers(count: number, { seed = 1, sentencesPerPaper = 12 } = {}): SyntheticPaper[] {
  const random = rng(seed);
  const draw = (list: readonly string[]) => list[Math.floor(random() * list.length)]!;
  const pick = () => (random() < 0.25 ? draw(RARE_WORDS) : draw(WORDS));
  // Real prose is about one word in three a function word.
  const sentenceWord = () => (random() < 0.35 ? draw(FUNCTION_WORDS) : pick());
  const sentence = () => {
    const words = Array.from({ length: 10 + Math.floor(random() * 12) }, sentenceWord);
    return `${words.join(" ").replace(/^./, (c) => c.toUpperCase())}.`;
  };
  return Array.from({ length: count }, (_, i) => ({
    title: `Synthetic study ${seed}-${i}: ${pick()} ${pick()} for ${pick()} ${pick()}`,
    summary: Array.from({ length: sentencesPerPaper }, sentence).join(" "),
    authors: [`Author ${i % 97}`, `Author ${(i * 7) % 89}`],
    publishedAt: `2025-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
    upvotes: i % 50,
  }));
}

export function toJsonl(papers: readonly object[]): string {
  return `${papers.map((p) => JSON.stringify(p)).join("\n")}\n`;
}
