import type { ButtonInteraction } from "discord.js";
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
 * (the paper is fetched and added, shown in the thread, and the question that
 * found nothing is answered again there).
 */
export async function pressPaperButton(interaction: ButtonInteraction, button: PaperButton, services: BotServices): Promise<void> {
  if (button.kind === "bibtex") {
    const paper = await services.store.paperById(button.paperId);
    if (!paper) throw new UserFacingError("That paper is no longer in the library.");
    await respond(interaction, { content: `\`\`\`bibtex\n${bibtexFor(paper)}\`\`\``, ephemeral: true });
    return;
  }
  services.fetchLimit.take(interaction.user.id);
  await interaction.deferReply();
  const { paper, added } = await services.addFromArxiv(button.arxivId);
  services.logger.info({ arxivId: button.arxivId, userId: interaction.user.id, added }, "fetch from arXiv pressed");
  const title = `**${escapeForDiscord(paper.title)}**`;
  await respond(interaction, { content: added ? `📥 Fetched ${title} from arXiv and added it to the library.` : `${title} is in the library.`, embeds: [paperEmbed(paper)] });
  // The question that found nothing, asked again now that the paper is here (while the bot remembers it).
  const asked = services.votes.recall(button.answerId)?.question;
  const channel = interaction.channel;
  if (!asked || !channel?.isSendable()) return;
  await deliverAnswer(asked, services.answerer.stream(asked), channelSink(channel), services.votes);
}
