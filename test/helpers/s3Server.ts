import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import S3rver from "s3rver";

/**
 * A real S3-compatible server (s3rver, files in a temp dir) on 127.0.0.1, with one
 * bucket, for `LANCEDB_URI=s3://…`: `storageOptions` are what LANCEDB_STORAGE_OPTIONS
 * must hold to reach it (s3rver accepts the key pair S3RVER / S3RVER).
 */
export interface S3StandIn {
  /** `s3://<bucket>/<path>` */
  uri(path: string): string;
  storageOptions: Record<string, string>;
  /** The settings a paperbot process needs to use `uri(path)`. */
  env(path: string): Record<string, string>;
  close(): Promise<void>;
}

function standIn(bucket: string, storageOptions: Record<string, string>, close: () => Promise<void>): S3StandIn {
  const uri = (path: string) => `s3://${bucket}/${path}`;
  return {
    uri,
    storageOptions,
    env: (path) => ({ LANCEDB_URI: uri(path), LANCEDB_STORAGE_OPTIONS: JSON.stringify(storageOptions) }),
    close,
  };
}

/** The same server in a process of its own (s3ServerProcess.ts), so that its work does not slow the caller's thread. */
export async function startS3ServerProcess(): Promise<S3StandIn> {
  const child = spawn(process.execPath, [fileURLToPath(new URL("./s3ServerProcess.js", import.meta.url))], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
  const { storageOptions } = JSON.parse(line) as { storageOptions: Record<string, string> };
  return standIn("paperbot", storageOptions, async () => {
    const exited = once(child, "exit");
    child.stdin.end();
    await exited;
  });
}

export async function startS3Server({ bucket = "paperbot" } = {}): Promise<S3StandIn> {
  const directory = await mkdtemp(join(tmpdir(), "paperbot-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  fixDelimitedListing(server);
  makePutsAtomic(server);
  const { port } = (await server.run()) as AddressInfo;
  const storageOptions = {
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    allow_http: "true",
    aws_access_key_id: "S3RVER",
    aws_secret_access_key: "S3RVER",
    // s3rver serves buckets by path (http://host/bucket/key), not as bucket.host.
    virtual_hosted_style_request: "false",
  };
  return standIn(bucket, storageOptions, async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });
}

interface StoredObject {
  bucket: string;
  key: string;
  metadata: Record<string, string>;
  content: Buffer | Readable;
}
interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
}

/**
 * S3 makes an object visible whole or not at all; s3rver 3.7 streams a PUT into the
 * object's file where a concurrent GET can read it half written (LanceDB then reads a
 * manifest's footer from a short file and asks for a nonsensical range: 416). This
 * writes the bytes to a temporary file, then the metadata, then renames the file into
 * place, as S3 behaves.
 */
function makePutsAtomic(server: S3rver): void {
  const store = (server as unknown as { store: FilesystemStore }).store;
  store.putObject = async ({ bucket, key, metadata, content }) => {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.concat(await content.toArray());
    const md5 = createHash("md5").update(bytes).digest("hex");
    const path = store.getResourcePath(bucket, key, "object");
    const partial = `${path}.${randomUUID()}.partial`;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(partial, bytes);
    await store.putMetadata(bucket, key, metadata, md5);
    await rename(partial, path);
    return { size: bytes.length, md5 };
  };
}

interface ListOptions {
  delimiter?: string;
  prefix?: string;
  maxKeys?: number;
  startAfter?: string;
}
interface Listing {
  objects: { key: string }[];
  commonPrefixes: string[];
  isTruncated: boolean;
}

/**
 * s3rver 3.7 lists with a delimiter by walking its folders, and does not enter a
 * folder two levels below the prefix: `lib/chunks.lance/_versions/1.manifest` never
 * yields the common prefix `lib/chunks.lance/`, so LanceDB's `tableNames()` finds no
 * table. This lists without the delimiter (which walks everything under the prefix)
 * and groups the keys as S3 does.
 */
function fixDelimitedListing(server: S3rver): void {
  const store = (server as unknown as { store: { listObjects(bucket: string, options: ListOptions): Promise<Listing> } }).store;
  const list = store.listObjects.bind(store);
  store.listObjects = async (bucket, options) => {
    const { delimiter, prefix = "", maxKeys = Infinity } = options;
    if (!delimiter) return list(bucket, options);
    const all = await list(bucket, { ...options, delimiter: "", maxKeys: Infinity });
    const commonPrefixes = new Set<string>();
    const objects: Listing["objects"] = [];
    for (const object of all.objects) {
      const cut = object.key.indexOf(delimiter, prefix.length);
      if (cut >= 0) commonPrefixes.add(object.key.slice(0, cut + delimiter.length));
      else objects.push(object);
    }
    return { objects: objects.slice(0, maxKeys), commonPrefixes: [...commonPrefixes].sort(), isTruncated: objects.length > maxKeys };
  };
}
