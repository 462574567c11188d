import assert from "node:assert/strict";
import test from "node:test";
import { sidesOf } from "../../../src/answer/comparedPapers.js";

test("given the ways people ask for a comparison, then both sides are found", () => {
  assert.deepEqual(sidesOf("compare FaceNet and ArcFace"), ["FaceNet", "ArcFace"]);
  assert.deepEqual(sidesOf("what's the difference between LoRA and QLoRA?"), ["LoRA", "QLoRA"]);
  assert.deepEqual(sidesOf("How does DDIM differ from DDPM? same training but faster sampling?"), ["DDIM", "DDPM"]);
  assert.deepEqual(sidesOf("Swin Transformer vs CvT — how do they each add convolutions?"), ["Swin Transformer", "CvT"]);
  assert.deepEqual(sidesOf("how does Depth Pro compare to Distill Any Depth?"), ["Depth Pro", "Distill Any Depth"]);
  assert.deepEqual(sidesOf("Longformer or BigBird: how do their attention patterns differ"), ["Longformer", "BigBird"]);
});

test("given a question that only mentions a difference, or a side that is no paper, then it is not a comparison", () => {
  assert.deepEqual(sidesOf("steering a frozen LM by adding the logit difference between a big and a small model"), []);
  assert.deepEqual(sidesOf("what FLOPs savings does MoMa get vs a compute-equivalent dense baseline?"), []);
  assert.deepEqual(sidesOf("which paper trains a discriminator on replaced tokens?"), []);
});
