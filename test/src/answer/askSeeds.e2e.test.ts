import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";
import { createAnswerer } from "../../../src/answer/createAnswerer.js";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { createSearcher } from "../../../src/retrieve/searchPapers.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { ingestInto } from "../../helpers/library.js";
import { SEEDS, tempDir } from "../../helpers/paths.js";

/** Seed-scale: the questions a new user tries first, on the real seed pages. */
test("given the seeds, when a user asks what a paper is, how many, or to compare two, then the answer cites them", { skip: !existsSync(SEEDS) && "no seed corpus here" }, async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [SEEDS]);
  const store = await PaperStore.open({ uri });
  t.after(() => store.close());
  const embeddings = new LocalEmbeddings();
  const answerer = createAnswerer({ searcher: createSearcher({ store, embeddings }), embeddings });

  const what = await answerer.answer("what is PTMTorrent?");
  assert.match(what.citations[0]?.title ?? "", /^PTMTorrent/);
  assert.equal(what.citations[0]?.n, 1, "citations are numbered from 1");

  const howMany = await answerer.answer("How many PTM packages are in the PTMTorrent dataset?");
  assert.match(howMany.answer, /15,913/);

  const compare = await answerer.answer("compare FaceNet and ArcFace");
  const titles = compare.citations.map((c) => c.title);
  assert.ok(titles.some((title) => title.startsWith("FaceNet")) && titles.some((title) => title.startsWith("ArcFace")), titles.join("; "));

  const missing = await answerer.answer("what is GLM-5?");
  assert.equal(missing.grounded, false);
  assert.match(missing.answer, /I don't have “GLM-5” in the library/);
  assert.equal(missing.citations.length, 0);
});
