// Streams a large multipart submit (default 2 GiB, generated on the fly, never held in memory) to an
// in-process emulator and prints how much the process's memory grew. Not a test: it prints figures.
//   node --import tsx scripts/bench-emulator-submit.ts [sizeMiB]
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { startEmulator } from '../electron/emulator/index';

const sizeMiB = Number(process.argv[2] ?? 2048);
const totalBytes = sizeMiB * 1024 * 1024;
const boundary = `----bench${randomBytes(8).toString('hex')}`;
const head = Buffer.from(
  `--${boundary}\r\nContent-Disposition: form-data; name="refpanel"\r\n\r\napps@hapmap-2@2.0.0\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.vcf.gz"\r\nContent-Type: application/octet-stream\r\n\r\n`,
);
const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
const block = randomBytes(1024 * 1024);

async function* body(): AsyncGenerator<Buffer> {
  yield head;
  for (let sent = 0; sent < totalBytes; sent += block.length) yield sent + block.length <= totalBytes ? block : block.subarray(0, totalBytes - sent);
  yield tail;
}

const emulator = await startEmulator({ uploadLimitBytes: totalBytes + 1024 * 1024 });
let peakRss = 0;
const sample = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
global.gc?.();
const before = process.memoryUsage().rss;
const started = performance.now();
const res = await request(`${emulator.url}/api/v2/jobs/submit/imputationserver2`, {
  method: 'POST',
  body: Readable.from(body()),
  headers: {
    'content-type': `multipart/form-data; boundary=${boundary}`,
    'content-length': String(head.length + totalBytes + tail.length),
    'x-auth-token': emulator.token,
  },
  headersTimeout: 0,
  bodyTimeout: 0,
});
const answer = await res.body.text();
const seconds = (performance.now() - started) / 1000;
clearInterval(sample);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
console.log(
  JSON.stringify({
    uploadedMiB: sizeMiB,
    status: res.statusCode,
    answer: JSON.parse(answer).success === true ? 'accepted' : answer,
    seconds: Number(seconds.toFixed(1)),
    throughputMiBps: Number((sizeMiB / seconds).toFixed(1)),
    rssBeforeMiB: Number(mib(before)),
    peakRssMiB: Number(mib(peakRss)),
    rssGrowthMiB: Number(mib(peakRss - before)),
  }),
);
await emulator.close();
