import assert from "node:assert/strict";
import test from "node:test";
import { claimsCiting, occursIn, supportingQuote } from "../../../src/answer/quotes.js";
import { paperHit } from "../../helpers/paperHits.js";

const hit = (passages: string[]) => paperHit("Lantern: Linear Attention for Long Legal Documents", passages);

const LANTERN = hit([
  "We study attention for long legal contracts.  Lantern keeps memory linear in the\nlength of the document.",
  "On contracts of 100k tokens it uses 6x less memory than a dense baseline. Code is released.",
]);

test("given an answer, then the sentences citing a source are its claims, markers removed", () => {
  const answer = "Lantern is linear [1]. It saves memory [1][2]. Other work differs [2].";
  assert.deepEqual(claimsCiting(answer, 1), ["Lantern is linear", "It saves memory"]);
  assert.deepEqual(
    claimsCiting("Lantern is linear. [1] Others are not. [2]", 2),
    ["Others are not"],
    "a marker after the full stop is the sentence's before it",
  );
});

test("given a claim, then its quote is the paper's own sentence that supports it, whitespace aside", () => {
  const quote = supportingQuote(["It uses six times less memory on 100k-token contracts"], LANTERN);
  assert.equal(quote, "On contracts of 100k tokens it uses 6x less memory than a dense baseline");
  assert.ok(occursIn("Lantern keeps memory linear in the length of the document.", LANTERN.passages.join(" ")));
});

test("given a claim no sentence of the paper supports, then there is no quote rather than a wrong one", () => {
  assert.equal(supportingQuote(["The model was trained on protein structures from cryo-EM"], LANTERN), undefined);
});

test("given text that is not in the paper, then it does not occur in it", () => {
  assert.equal(occursIn("Lantern uses 60x less memory", LANTERN.passages.join(" ")), false);
});
