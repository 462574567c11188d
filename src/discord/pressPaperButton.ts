import type { ButtonInteraction } from "discord.js";
import { titleIn } from "../answer/questionTerms.js";
import { bibtexFor } from "../bibtex.js";
import { UserFacingError } from "../errors.js";
import type { BotServices } from "./botServices.js";
import { channelSink, deliverAnswer } from "./deliverAnswer.js";
import { escapeForDiscord } from "./discordText.js";
import { respond } from "./interactionReply.js";
import type { PaperButton } from "./paperButtons.js";
import { paperEmbed } from "./paperEmbed.js";

/**
 * A click on "BibTeX" (the entry, to whoever pressed it) or "Fetch from arXiv"
 * by id or title (the paper is fetched and added, shown in the thread, and the
 * question that found nothing is answered again there).
 */
export async function pressPaperButton(interaction: ButtonInteraction, button: PaperButton, services: BotServices): Promise<void> {
  if (button.kind === "bibtex") {
    const paper = await services.store.paperById(button.paperId);
    if (!paper) throw new UserFacingError("That paper is no longer in the library.");
    await respond(interaction, { content: `\`\`\`bibtex\n${bibtexFor(paper)}\`\`\``, ephemeral: true });
    return;
  }
  // The question that found nothing (while the bot remembers it): answered again once the paper is here.
  const asked = services.votes.recall(button.answerId)?.question;
  const title = button.kind === "fetchTitle" && asked ? titleIn(asked) : undefined;
  if (button.kind === "fetchTitle" && !title)
    throw new UserFacingError("I no longer remember that question: ask it again, or use `/paper` with the paper's arXiv id.");
  services.fetchLimit.take(interaction.user.id);
  await interaction.deferReply();
  const { paper, added } =
    button.kind === "fetch" ? await services.addFromArxiv.byId(button.arxivId) : await services.addFromArxiv.byTitle(title!);
  services.logger.info({ arxivId: paper.arxivId, userId: interaction.user.id, added }, "fetch from arXiv pressed");
  const shown = `**${escapeForDiscord(paper.title)}**`;
  await respond(interaction, {
    content: added ? `📥 Fetched ${shown} from arXiv and added it to the library.` : `${shown} is in the library.`,
    embeds: [paperEmbed(paper)],
  });
  const channel = interaction.channel;
  if (!asked || !channel?.isSendable()) return;
  await deliverAnswer(asked, services.answerer.stream(asked), channelSink(channel), services.votes);
}
