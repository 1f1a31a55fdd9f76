// Worker thread entry of the rewriter: builds the transform of the file it is told about, then
// rewrites the batches it is sent (batch.ts) and answers size estimates (sample-estimate.ts).
import { parentPort } from 'node:worker_threads';
import { BatchError, processBatch, type BatchResult, type BatchTask } from './batch';
import { estimateRewrite, type EstimateRequest, type EstimateResult } from './sample-estimate';
import { createTransform } from './transforms/index';
import { onMessagesUntilStop } from '../workers/worker-stop';
import type { RecordTransform, TransformSpec } from './types';

export type WorkerRequest =
  | { type: 'init'; id: number; spec: TransformSpec; fileName: string }
  | { type: 'batch'; id: number; task: BatchTask }
  | { type: 'estimate'; id: number; request: EstimateRequest };

export type WorkerReply =
  | { type: 'ready'; id: number }
  | { type: 'done'; id: number; result: BatchResult }
  | { type: 'estimated'; id: number; result: EstimateResult }
  | { type: 'error'; id: number; message: string; offset: number | null };

const port = parentPort;
if (port) {
  let transform: RecordTransform | null = null;
  let fileName = '';
  onMessagesUntilStop(port, (message: WorkerRequest) => {
    try {
      if (message.type === 'init') {
        transform = createTransform(message.spec);
        fileName = message.fileName;
        port.postMessage({ type: 'ready', id: message.id } satisfies WorkerReply);
      } else if (message.type === 'batch') {
        if (!transform) throw new Error('the rewrite worker got a batch before its transform');
        const result = processBatch(message.task, transform, fileName);
        port.postMessage({ type: 'done', id: message.id, result } satisfies WorkerReply, [result.out.buffer as ArrayBuffer]);
      } else if (message.type === 'estimate') {
        port.postMessage({ type: 'estimated', id: message.id, result: estimateRewrite(message.request) } satisfies WorkerReply);
      }
    } catch (error) {
      port.postMessage({
        type: 'error',
        id: message.id,
        message: error instanceof Error ? error.message : String(error),
        offset: error instanceof BatchError ? error.offset : null,
      } satisfies WorkerReply);
    }
  });
}
