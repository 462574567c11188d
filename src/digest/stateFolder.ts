import { join } from "node:path";

/*
 * DIGEST_STATE_DIR, the digest's own state, in one folder on a local disk shared by every bot process
 * on the machine: a folder per channel, `<channelId>/`, holding its subscription (`subscription.json`,
 * subscriptions.ts), its claims (`<date>.claim.<n>`, digestClaim.ts) and its final records
 * (`<date>.json`, digestRecords.ts), each written whole under a temporary name and then linked or
 * renamed into place (exclusiveFiles.ts). Beside the channels' folders, one file says the library's
 * old subscriptions table has been imported (subscriptions.ts).
 */

/** A channel id as a folder name: it must not climb out of the state folder or name a file beside the folders. */
const CHANNEL = /^[\w-]{1,64}$/;

export function isChannelFolderName(name: string): boolean {
  return CHANNEL.test(name);
}

/** The channel's folder in the state folder `root`; throws on an id that cannot be one. */
export function channelFolder(root: string, channelId: string): string {
  if (!CHANNEL.test(channelId)) throw new Error(`not a channel id: ${JSON.stringify(channelId)}`);
  return join(root, channelId);
}

export const SUBSCRIPTION_FILE = "subscription.json";

/** Written once the library's `digest_subscriptions` table has been copied into the folder. */
export const SUBSCRIPTIONS_IMPORTED = "subscriptions-imported.json";
