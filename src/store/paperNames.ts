import type { Table } from "@lancedb/lancedb";
import { titleInitials } from "../paper.js";
import { squash } from "../text/words.js";
import { paperTitles } from "./paperLookups.js";

/**
 * Papers by the short names people call them: the title's lead before a colon
 * ("LoRA: Low-Rank Adaptation …" is LoRA, "Big Bird: …" is BigBird) or the
 * initials of its words ("Denoising Diffusion Probabilistic Models" is DDPM), which
 * the paper's own text may never spell out, so search alone does not find it.
 */

/** A name written as an acronym: "DDPM", "GANs". */
const ACRONYM = /^[A-Z][A-Z0-9]{1,7}s?$/;

interface Entry {
  id: string;
  lead: string | undefined;
  initials: string;
}

export class PaperNames {
  private version: number | undefined;
  private entries: Entry[] = [];

  constructor(private readonly table: () => Table) {}

  /** Ids of the papers called `name`: by the lead of their title if any has it, else by their initials. */
  async named(name: string): Promise<string[]> {
    const key = squash(name);
    if (key.length < 2) return [];
    const entries = await this.current();
    const byLead = entries.filter((entry) => entry.lead === key);
    if (byLead.length > 0 || !ACRONYM.test(name.trim())) return byLead.map((entry) => entry.id);
    const initials = key.replace(/s$/, "");
    return entries.filter((entry) => entry.initials === initials).map((entry) => entry.id);
  }

  /** The titles as of the table's version: read once per version, one column. */
  private async current(): Promise<Entry[]> {
    const table = this.table();
    const version = await table.version();
    if (version !== this.version) {
      const rows = await paperTitles(table);
      this.entries = rows.map(({ id, title }) => ({
        id,
        lead: title.includes(":") ? squash(title.split(":")[0]!) : undefined,
        initials: titleInitials(title),
      }));
      this.version = version;
    }
    return this.entries;
  }
}
