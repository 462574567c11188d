import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from "discord.js";

/**
 * The buttons about one paper: "BibTeX" under /paper (its entry, shown only to
 * whoever pressed it), and "Fetch from arXiv" under an answer that names an arXiv
 * paper the library lacks, by id or by title. Their ids carry what the click needs, so they work
 * after a restart.
 */

export type PaperButton =
  { kind: "bibtex"; paperId: string } | { kind: "fetch"; arxivId: string; answerId: string } | { kind: "fetchTitle"; answerId: string };

export function bibtexButton(paperId: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(`bibtex:${paperId}`).setLabel("BibTeX").setStyle(ButtonStyle.Secondary),
  );
}

export function fetchButton(arxivId: string, answerId: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(`fetch:${arxivId}:${answerId}`)
      .setLabel(`Fetch ${arxivId} from arXiv`)
      .setEmoji("📥")
      .setStyle(ButtonStyle.Primary),
  );
}

/** Under an answer to a question that is a paper's title: arXiv's title search, then as "Fetch from arXiv". */
export function fetchTitleButton(answerId: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(`fetch-title:${answerId}`)
      .setLabel("Find this title on arXiv")
      .setEmoji("📥")
      .setStyle(ButtonStyle.Primary),
  );
}

export function parsePaperButton(customId: string): PaperButton | undefined {
  const fetchTitle = /^fetch-title:([\w-]+)$/.exec(customId);
  if (fetchTitle) return { kind: "fetchTitle", answerId: fetchTitle[1]! };
  const bibtex = /^bibtex:(.+)$/.exec(customId);
  if (bibtex) return { kind: "bibtex", paperId: bibtex[1]! };
  const fetch = /^fetch:(.+):([\w-]+)$/.exec(customId);
  return fetch ? { kind: "fetch", arxivId: fetch[1]!, answerId: fetch[2]! } : undefined;
}
