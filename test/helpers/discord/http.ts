/**
 * The HTTP half of the Discord stand-in: body parsing (JSON and multipart), recording, bot-token
 * auth, scripted 429s, rate-limit headers, routing and Discord-style error answers.
 *
 * Rate-limit headers: every answer carries x-ratelimit-bucket/limit/remaining/reset/reset-after
 * with a generous, never-exhausted budget (limit 50, remaining 49, reset after 1 s), so
 * @discordjs/rest never throttles itself. A scripted 429 carries `retry-after` (in decimal
 * seconds: @discordjs/rest reads it as Number(header) * 1000), remaining 0, reset-after equal to
 * the retry, `x-ratelimit-scope` ("user" or "global") and, when global, `x-ratelimit-global`;
 * @discordjs/rest waits retry-after plus its 50 ms offset and retries, without limit.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DiscordWorld } from "./model.js";
import type { RateLimitRecord, RecordedRequest, UploadedFile, Violation } from "./types.js";
import { ApiError, Errors } from "./validation.js";

export interface RouteContext {
  request: RecordedRequest;
  /** The pattern's capture groups, decoded. */
  params: string[];
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
}

export interface Reply {
  status: number;
  body?: unknown;
}

export interface Route {
  method: string;
  /** e.g. "/channels/:channel/messages" (":name" matches one path segment). */
  path: string;
  /** "bot": needs `Authorization: Bot <token>`; "none": interaction and webhook routes. */
  auth: "bot" | "none";
  handle(context: RouteContext): Reply | Promise<Reply>;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  bucket: string;
}

export interface RateLimitMatcher {
  method?: string;
  /** Tested against the path without "/api/v10", e.g. /\/channels\/\d+\/messages$/. */
  path?: RegExp;
}

interface ScriptedRateLimit {
  matcher: RateLimitMatcher;
  retryAfterSeconds: number;
  global: boolean;
}

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const noContent = (): Reply => ({ status: 204 });

const API_PREFIX = "/api/v10";
const MAX_BODY_BYTES = 25 * 1024 * 1024;
const MAX_FILE_BYTES = 10 * 1024 * 1024;

export class HttpFront {
  readonly server: Server;
  readonly requests: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  readonly rateLimited: RateLimitRecord[] = [];
  /** Requests that matched no route (also listed in violations). */
  readonly unknownRoutes: RecordedRequest[] = [];
  /** Errors thrown by the stand-in itself (answered 500); a test should never see one. */
  readonly internalErrors: Error[] = [];
  readonly #routes: CompiledRoute[] = [];
  readonly #scripted: ScriptedRateLimit[] = [];

  constructor(
    private readonly world: DiscordWorld,
    private readonly token: string,
  ) {
    this.server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.internalErrors.push(error instanceof Error ? error : new Error(String(error)));
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "500: Internal Server Error", code: 0 }));
      });
    });
    this.server.keepAliveTimeout = 1000;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  addRoutes(routes: Route[]): void {
    for (const route of routes) {
      const source = route.path
        .split("/")
        .map((segment) => (segment.startsWith(":") ? "([^/]+)" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("/");
      const bucket = createHash("sha1").update(`${route.method} ${route.path}`).digest("hex").slice(0, 16);
      this.#routes.push({ ...route, pattern: new RegExp(`^${source}$`), bucket });
    }
  }

  rateLimitNext(matcher: RateLimitMatcher, retryAfterSeconds: number, global: boolean): void {
    this.#scripted.push({ matcher, retryAfterSeconds, global });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    const raw = await readBody(req);
    const rawPath = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) || "/" : url.pathname;
    const path = rawPath.split("/").map(safeDecode).join("/");
    const { body, files } = await parseBody(req.headers["content-type"], raw);
    const request: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      files,
      route: undefined,
      authorized: req.headers.authorization === `Bot ${this.token}`,
      status: 0,
      at,
    };
    this.requests.push(request);

    const candidates = url.pathname.startsWith(API_PREFIX) ? this.#routes.filter((r) => r.pattern.test(path)) : [];
    const route = candidates.find((r) => r.method === method);
    if (!route) {
      const error = candidates.length > 0 ? Errors.methodNotAllowed() : Errors.notFound();
      this.unknownRoutes.push(request);
      return this.#send(res, request, this.#refuse(request, error), undefined);
    }
    request.route = `${route.method} ${route.path}`;
    if (route.auth === "bot" && !request.authorized) return this.#send(res, request, this.#refuse(request, Errors.unauthorized()), route);

    const scripted = this.#takeScripted(request);
    if (scripted) {
      this.rateLimited.push({ method, path, retryAfterSeconds: scripted.retryAfterSeconds, global: scripted.global, at });
      return this.#sendRateLimited(res, request, route, scripted);
    }

    let reply: Reply;
    try {
      const params = (route.pattern.exec(path) ?? []).slice(1).map((p) => p ?? "");
      reply = await route.handle({ request, params, query: url.searchParams, body, files });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      reply = this.#refuse(request, error);
    }
    this.#send(res, request, reply, route);
  }

  #refuse(request: RecordedRequest, error: ApiError): Reply {
    this.violations.push({
      method: request.method,
      path: request.path,
      status: error.status,
      code: error.code,
      message: error.message,
      ...(error.errors !== undefined ? { errors: error.errors } : {}),
      body: request.body,
      at: request.at,
    });
    this.world.notify();
    return { status: error.status, body: error.toJSON() };
  }

  #takeScripted(request: RecordedRequest): ScriptedRateLimit | undefined {
    const index = this.#scripted.findIndex(
      ({ matcher }) =>
        (!matcher.method || matcher.method.toUpperCase() === request.method) && (!matcher.path || matcher.path.test(request.path)),
    );
    if (index < 0) return undefined;
    return this.#scripted.splice(index, 1)[0];
  }

  #send(res: ServerResponse, request: RecordedRequest, reply: Reply, route: CompiledRoute | undefined): void {
    const headers: Record<string, string> = route ? budgetHeaders(route.bucket) : {};
    request.status = reply.status;
    if (reply.status === 204 || reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
    } else {
      res.writeHead(reply.status, { ...headers, "content-type": "application/json" });
      res.end(JSON.stringify(reply.body));
    }
    this.world.notify();
  }

  #sendRateLimited(res: ServerResponse, request: RecordedRequest, route: CompiledRoute, scripted: ScriptedRateLimit): void {
    const retry = scripted.retryAfterSeconds;
    request.status = 429;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "retry-after": String(retry),
      "x-ratelimit-bucket": route.bucket,
      "x-ratelimit-limit": "50",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": ((Date.now() + retry * 1000) / 1000).toFixed(3),
      "x-ratelimit-reset-after": retry.toFixed(3),
      "x-ratelimit-scope": scripted.global ? "global" : "user",
    };
    if (scripted.global) headers["x-ratelimit-global"] = "true";
    res.writeHead(429, headers);
    res.end(JSON.stringify({ message: "You are being rate limited.", retry_after: retry, global: scripted.global }));
    this.world.notify();
  }
}

function budgetHeaders(bucket: string): Record<string, string> {
  return {
    "x-ratelimit-bucket": bucket,
    "x-ratelimit-limit": "50",
    "x-ratelimit-remaining": "49",
    "x-ratelimit-reset": ((Date.now() + 1000) / 1000).toFixed(3),
    "x-ratelimit-reset-after": "1.000",
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** JSON bodies are parsed; multipart bodies give `payload_json` as the body and the files. */
async function parseBody(contentType: string | undefined, raw: Buffer): Promise<{ body: unknown; files: UploadedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType?.startsWith("multipart/form-data")) {
    const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
    const files: UploadedFile[] = [];
    let body: unknown;
    for (const [field, value] of form.entries()) {
      if (typeof value === "string") {
        if (field === "payload_json") body = tryJson(value);
      } else {
        files.push({ field, filename: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
      }
    }
    return { body, files };
  }
  return { body: tryJson(raw.toString("utf8")), files: [] };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function checkFileSizes(files: UploadedFile[]): void {
  if (files.some((file) => file.data.length > MAX_FILE_BYTES)) throw Errors.tooLarge();
}
