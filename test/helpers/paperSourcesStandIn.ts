/**
 * The two paper sources the digest reads, as HTTP servers on 127.0.0.1, each on its own port as the real
 * ones are on their own hosts (so that one that hangs is not taken for the other):
 *
 *   GET /api/daily_papers?date=YYYY-MM-DD  — Hugging Face Daily Papers (JSON array of items), at hfApiUrl
 *   GET /api/query?search_query=cat:cs.CL&sortBy=submittedDate&sortOrder=descending&start=0&max_results=100
 *                                          — the arXiv export API (Atom feed), at arxivApiUrl
 *
 *   const standIn = await startPaperSourcesStandIn();
 *   t.after(() => standIn.close());
 *   env: { HF_API_URL: standIn.hfApiUrl, ARXIV_API_URL: standIn.arxivApiUrl }
 *   standIn.hf.enqueue({ kind: "status", status: 429, headers: { "retry-after": "1" } });
 *
 * By default it serves the fixtures in test/fixtures/digest (the day 2026-11-23: five Hugging
 * Face items; cs.CL and cs.LG feeds with entries inside and outside that day). A day or a
 * category it has nothing for gets an empty list / an empty feed, as the real APIs answer.
 *
 * Each source takes the next queued behaviour per request, then its default ("ok"):
 * an error status (with headers, e.g. Retry-After), a 200 HTML error page, the real body cut
 * in half, the real body plus items with missing fields, a slow answer, or no answer at all;
 * for arXiv also its error feed with HTTP 400 (as arXiv answers a bad query) and a valid feed
 * with no results.
 * Every request is recorded with its arrival time (performance.now()), so a test can check
 * the pacing between arXiv calls.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { fixture } from "./paths.js";

export type SourceBehaviour =
  /** The day's data in the real format. */
  | { kind: "ok" }
  /** An error status; `headers` e.g. { "retry-after": "2" } or { "ratelimit-reset": "1" }. */
  | { kind: "status"; status: number; headers?: Record<string, string>; body?: string }
  /** 200 with an HTML error page where JSON or Atom was expected. */
  | { kind: "html" }
  /** The real body, cut off half-way. */
  | { kind: "truncated" }
  /** The real body plus items/entries that lack required fields (no title, no id, no date). */
  | { kind: "missingFields" }
  /** The real body, after a delay. */
  | { kind: "slow"; delayMs: number }
  /** Never answers (until the client gives up or the stand-in closes). */
  | { kind: "hang" }
  /** arXiv's answer to a bad query: its Atom error feed with HTTP 400, giving `reason`. */
  | { kind: "arxivError"; reason: string }
  /** A valid Atom feed with no results (`opensearch:totalResults` 0). */
  | { kind: "emptyFeed" };

export interface SourceRequest {
  source: "hf" | "arxiv";
  path: string;
  params: Record<string, string>;
  /** performance.now() when the request arrived. */
  at: number;
}

export interface SourceEndpoint {
  enqueue(...behaviours: SourceBehaviour[]): void;
  setDefault(behaviour: SourceBehaviour): void;
  readonly requests: SourceRequest[];
}

export interface PaperSourcesStandIn {
  /** Pass as HF_API_URL. */
  readonly hfApiUrl: string;
  /** Pass as ARXIV_API_URL (another port than hfApiUrl's). */
  readonly arxivApiUrl: string;
  readonly hf: SourceEndpoint;
  readonly arxiv: SourceEndpoint;
  /** Every request, in arrival order. */
  readonly requests: SourceRequest[];
  /** Hugging Face list bodies by date (raw JSON text); replace or add days. */
  readonly daily: Map<string, string>;
  /** arXiv feeds by category (raw Atom text), newest entries first. */
  readonly feeds: Map<string, string>;
  close(): Promise<void>;
}

export const STAND_IN_DATE = "2026-11-23";

export function defaultDaily(): Map<string, string> {
  return new Map([[STAND_IN_DATE, readFileSync(fixture("digest/hf-daily-2026-11-23.json"), "utf8")]]);
}

/** A paper of a day's list, as a test writes it. */
export interface ListedPaper {
  id: string;
  title: string;
  summary: string;
  upvotes: number;
}

/** The Daily Papers API's answer for `day` (YYYY-MM-DD) listing these papers, each published two days before. */
export function dailyPapersList(day: string, papers: readonly ListedPaper[]): string {
  const published = new Date(Date.parse(`${day}T10:00:00.000Z`) - 2 * 86_400_000).toISOString();
  return JSON.stringify(
    papers.map((p) => ({
      paper: {
        id: p.id,
        title: p.title,
        summary: p.summary,
        upvotes: p.upvotes,
        authors: [{ name: "Ada Quill" }],
        publishedAt: published,
        submittedOnDailyAt: `${day}T01:00:00.000Z`,
      },
      publishedAt: `${day}T01:00:00.000Z`,
      title: p.title,
      numComments: 0,
    })),
  );
}

export function defaultFeeds(): Map<string, string> {
  return new Map([
    ["cs.CL", readFileSync(fixture("digest/arxiv-cs.CL-2026-11-23.xml"), "utf8")],
    ["cs.LG", readFileSync(fixture("digest/arxiv-cs.LG-2026-11-23.xml"), "utf8")],
  ]);
}

const HTML_ERROR_PAGE = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><h1>502 Bad Gateway</h1><p>The upstream server did not answer.</p></body></html>
`;

export const EMPTY_FEED = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: empty</title>
  <id>http://arxiv.org/api/empty</id>
  <updated>2026-11-23T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:totalResults>
</feed>
`;

/** arXiv's error feed, as it sends it (with HTTP 400) for a bad query, e.g. "incorrect id format for abc". */
export function arxivErrorFeed(reason: string): string {
  const anchor = reason.replace(/\W+/g, "_");
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3Dabc%26start%3D0%26max_results%3D10" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=&amp;id_list=abc&amp;start=0&amp;max_results=10</title>
  <id>http://arxiv.org/api/vZr5C0lJ5hBnUdJm4qmvVyYUxHY</id>
  <updated>2026-11-23T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:itemsPerPage>
  <entry>
    <id>http://arxiv.org/api/errors#${anchor}</id>
    <title>Error</title>
    <summary>${reason}</summary>
    <updated>2026-11-23T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#${anchor}" rel="alternate" type="text/html"/>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
</feed>
`;
}

/** Items the digest must skip: no title, no id, not an object, no paper object. */
const BROKEN_HF_ITEMS = [
  { paper: { id: "2611.19001", summary: "An item whose paper has no title.", upvotes: 99 }, numComments: 0 },
  { paper: { title: "An Item Without an arXiv Id", summary: "It has no id.", upvotes: 98 } },
  "not an item",
  { title: "An item with no paper object" },
];

/** Entries the digest must skip: no title, no id, no publication date. */
const BROKEN_ARXIV_ENTRIES = `
  <entry>
    <id>http://arxiv.org/abs/2611.19101v1</id>
    <published>2026-11-23T12:00:00Z</published>
    <summary>An entry without a title.</summary>
    <author><name>Nobody Known</name></author>
  </entry>
  <entry>
    <published>2026-11-23T12:00:00Z</published>
    <title>An Entry Without an Id</title>
    <summary>It has no id.</summary>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/2611.19102v1</id>
    <title>An Entry Without a Date</title>
    <summary>It has no published date.</summary>
  </entry>
`;

function queue(source: "hf" | "arxiv", all: SourceRequest[]): SourceEndpoint & { next(): SourceBehaviour } {
  const pending: SourceBehaviour[] = [];
  let fallback: SourceBehaviour = { kind: "ok" };
  return {
    enqueue: (...b) => void pending.push(...b),
    setDefault: (b) => void (fallback = b),
    get requests() {
      return all.filter((r) => r.source === source);
    },
    next: () => pending.shift() ?? fallback,
  };
}

export async function startPaperSourcesStandIn(
  options: { daily?: Map<string, string>; feeds?: Map<string, string> } = {},
): Promise<PaperSourcesStandIn> {
  const requests: SourceRequest[] = [];
  const daily = options.daily ?? defaultDaily();
  const feeds = options.feeds ?? defaultFeeds();
  const hf = queue("hf", requests);
  const arxiv = queue("arxiv", requests);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const hfBody = (params: Record<string, string>, behaviour: SourceBehaviour): string => {
    const text = daily.get(params.date ?? "") ?? "[]";
    if (behaviour.kind !== "missingFields") return text;
    return JSON.stringify([...(JSON.parse(text) as unknown[]), ...BROKEN_HF_ITEMS], null, 2);
  };

  const arxivBody = (params: Record<string, string>, behaviour: SourceBehaviour): string => {
    // ?id_list=<id>: the feed's entry for that paper, from any category's feed, or an empty feed.
    if (params.id_list) {
      const entry = [...feeds.values()]
        .flatMap((feed) => feed.match(/<entry>[\s\S]*?<\/entry>/g) ?? [])
        .find((e) => e.includes(`/abs/${params.id_list}v`) || e.includes(`/abs/${params.id_list}<`));
      return entry ? EMPTY_FEED.replace("</feed>", `${entry}</feed>`) : EMPTY_FEED;
    }
    // ?search_query=ti:"words": the entries whose title has those words in that order, as arXiv's phrase search.
    const phrase = /^ti:"?([^"]+)"?$/.exec(params.search_query ?? "")?.[1];
    if (phrase) {
      const squash = (text: string) =>
        text
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, " ")
          .trim();
      const entries = [...new Set([...feeds.values()].flatMap((feed) => feed.match(/<entry>[\s\S]*?<\/entry>/g) ?? []))];
      const matching = entries.filter((e) => squash(/<title>([\s\S]*?)<\/title>/.exec(e)?.[1] ?? "").includes(squash(phrase)));
      return EMPTY_FEED.replace("</feed>", `${matching.join("\n")}</feed>`);
    }
    const category = /^cat:(.+)$/.exec(params.search_query ?? "")?.[1] ?? "";
    // The fixtures hold fewer entries than a page: any later page is empty.
    const text = Number(params.start ?? 0) > 0 ? EMPTY_FEED : (feeds.get(category) ?? EMPTY_FEED);
    if (behaviour.kind !== "missingFields") return text;
    return text.replace("</feed>", `${BROKEN_ARXIV_ENTRIES}</feed>`);
  };

  const answer = (res: ServerResponse, behaviour: SourceBehaviour, body: string, contentType: string): void => {
    switch (behaviour.kind) {
      case "status":
        res
          .writeHead(behaviour.status, { "content-type": "text/plain", ...behaviour.headers })
          .end(behaviour.body ?? `error ${behaviour.status}`);
        return;
      case "html":
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(HTML_ERROR_PAGE);
        return;
      case "truncated":
        res.writeHead(200, { "content-type": contentType }).end(body.slice(0, Math.floor(body.length / 2)));
        return;
      case "hang":
        return;
      case "arxivError":
        res.writeHead(400, { "content-type": "application/atom+xml; charset=utf-8" }).end(arxivErrorFeed(behaviour.reason));
        return;
      case "emptyFeed":
        res.writeHead(200, { "content-type": "application/atom+xml; charset=utf-8" }).end(EMPTY_FEED);
        return;
      case "slow": {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) res.writeHead(200, { "content-type": contentType }).end(body);
        }, behaviour.delayMs);
        timers.add(timer);
        return;
      }
      default:
        res.writeHead(200, { "content-type": contentType }).end(body);
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const params = Object.fromEntries(url.searchParams);
    if (url.pathname === "/api/daily_papers") {
      requests.push({ source: "hf", path: url.pathname, params, at: performance.now() });
      const behaviour = hf.next();
      return answer(res, behaviour, hfBody(params, behaviour), "application/json; charset=utf-8");
    }
    if (url.pathname === "/api/query") {
      requests.push({ source: "arxiv", path: url.pathname, params, at: performance.now() });
      const behaviour = arxiv.next();
      return answer(res, behaviour, arxivBody(params, behaviour), "application/atom+xml; charset=utf-8");
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  };
  const listen = async () => {
    const server = createServer(handle);
    server.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };
  const servers = [await listen(), await listen()] as const;

  return {
    hfApiUrl: servers[0].base,
    arxivApiUrl: `${servers[1].base}/api/query`,
    hf,
    arxiv,
    requests,
    daily,
    feeds,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        let open = servers.length;
        for (const { server } of servers) server.close(() => --open === 0 && resolve());
      }),
  };
}

/** A base URL on 127.0.0.1 where nothing listens: connections are refused. */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
