import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { capturingLogger } from "./capturingLogger.js";
import { DigestLedger } from "../../src/digest/digestLedger.js";
import { digestMarker, findDigestMarker } from "../../src/discord/renderDigest.js";
import type { DigestContext, DigestPoster } from "../../src/digest/digestRun.js";
import { DigestScheduler, type DigestSchedulerOptions } from "../../src/digest/digestScheduler.js";
import { SubscriptionStore, type Subscription } from "../../src/digest/subscriptions.js";

/**
 * A stand-in Discord for the digest: "channels" are lines in a JSONL file, so several
 * processes post to and read the same channels, and a process killed mid-post leaves
 * exactly what it managed to send.
 */

export interface ChannelMessage {
  channelId: string;
  messageId: string;
  text: string;
  paperIds: string[];
  pid: number;
}

export interface FakePosterOptions {
  /** How long a post takes (widens race windows). */
  delayMs?: number;
  /** Die mid-step: "before-post" (claimed, nothing sent), "after-post" (sent, not recorded), or throw after sending. */
  crash?: "before-post" | "after-post" | "throw-after-post";
  /** Channels with nothing new to post. */
  nothingNew?: ReadonlySet<string>;
  /** Fail this many posts (before sending anything). */
  failPosts?: number;
}

export interface PostCall {
  channelId: string;
  date: string;
  subscription: Subscription;
  context: DigestContext;
}

export class FakeChannels implements DigestPoster {
  readonly posts: PostCall[] = [];
  readonly lookups: { channelId: string; date: string; after: Date | undefined }[] = [];

  constructor(
    readonly file: string,
    private readonly options: FakePosterOptions = {},
  ) {}

  async findPosted(channelId: string, date: string, hint?: { after: Date }) {
    this.lookups.push({ channelId, date, after: hint?.after });
    const found = (await readChannels(this.file)).filter((m) => m.channelId === channelId && findDigestMarker(m.text)?.date === date);
    return found.length > 0 ? { messageIds: found.map((m) => m.messageId), paperIds: found.flatMap((m) => m.paperIds) } : undefined;
  }

  async post(channelId: string, date: string, subscription: Subscription, context: DigestContext) {
    this.posts.push({ channelId, date, subscription, context });
    if (this.options.failPosts && this.options.failPosts > 0) {
      this.options.failPosts--;
      throw new Error("Discord said 503");
    }
    if (this.options.nothingNew?.has(channelId)) return { skipped: "nothing new" };
    if (this.options.crash === "before-post") process.kill(process.pid, "SIGKILL");
    if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
    const message: ChannelMessage = {
      channelId,
      messageId: `m-${randomUUID().slice(0, 8)}`,
      text: `**${digestMarker(date)}**\n1. A paper about ${subscription.topics.join(", ") || "everything"}`,
      paperIds: [`arxiv:2611.${date.slice(8)}001`],
      pid: process.pid,
    };
    await appendFile(this.file, `${JSON.stringify(message)}\n`);
    if (this.options.crash === "after-post") process.kill(process.pid, "SIGKILL");
    if (this.options.crash === "throw-after-post") throw new Error("the process died after posting");
    return { messageIds: [message.messageId], paperIds: message.paperIds };
  }
}

export async function readChannels(file: string): Promise<ChannelMessage[]> {
  try {
    return (await readFile(file, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ChannelMessage);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** A clock the test moves by hand. */
export class TestClock {
  constructor(private at: Date) {}
  readonly now = (): Date => new Date(this.at);
  set(at: string | Date): Date {
    this.at = new Date(at);
    return this.now();
  }
}

export interface DigestPaths {
  uri: string;
  stateDir: string;
  channels: string;
}

export function digestPaths(dir: string): DigestPaths {
  return { uri: join(dir, "db"), stateDir: join(dir, "digest"), channels: join(dir, "channels.jsonl") };
}

export interface DigestRig {
  subscriptions: SubscriptionStore;
  ledger: DigestLedger;
  poster: FakeChannels;
  scheduler: DigestScheduler;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** A scheduler over its own, independently opened stores at `paths`: one "bot process". */
export async function openRig(
  paths: DigestPaths,
  options: { now: () => Date; poster?: FakePosterOptions; leaseMs?: number } & Partial<
    Omit<DigestSchedulerOptions, "subscriptions" | "ledger" | "poster" | "logger">
  >,
): Promise<DigestRig> {
  const { poster: posterOptions, leaseMs, ...schedulerOptions } = options;
  const subscriptions = await SubscriptionStore.open({ dir: paths.stateDir, library: { uri: paths.uri }, now: options.now });
  const ledger = await DigestLedger.open(paths.stateDir, { now: options.now, leaseMs });
  const poster = new FakeChannels(paths.channels, posterOptions);
  const { logger, lines } = capturingLogger();
  const scheduler = new DigestScheduler({ timers: false, ...schedulerOptions, subscriptions, ledger, poster, logger });
  return {
    subscriptions,
    ledger,
    poster,
    scheduler,
    logs: lines,
    async close() {
      await scheduler.stop();
    },
  };
}

export const WORKER = new URL("./digestWorker.js", import.meta.url).pathname;

export interface WorkerResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
}

/** Runs test/helpers/digestWorker.js with a JSON job: a separate bot process. */
export function runWorker(job: Record<string, unknown>, timeoutMs = 30_000): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, JSON.stringify(job)], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, pid: child.pid ?? 0 });
    });
  });
}
