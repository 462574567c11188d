/**
 * `node s3ServerProcess.js`: an S3-compatible server (see s3Server.ts) in a process of
 * its own, for benchmarks: in the measuring process, s3rver's JavaScript would share
 * the thread whose latency is measured. Prints its settings as one line of JSON and
 * runs until stdin closes.
 */
import { startS3Server } from "./s3Server.js";

const s3 = await startS3Server();
console.log(JSON.stringify({ storageOptions: s3.storageOptions }));
process.stdin.resume();
process.stdin.on("end", () => void s3.close().then(() => process.exit(0)));
