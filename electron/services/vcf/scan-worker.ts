// Worker thread entry: runs scanRange() (or scanStream() for files that are not BGZF) for tasks
// posted by the pool. Cancel is a shared flag the coordinator sets (checked between read
// batches); progress is posted per batch.
import { serveTasks } from '../workers/task-worker';
import { scanRange, ScanCancelled, type RangeResult, type RangeTask } from './range-scan';
import { scanStream } from './stream-scan';

serveTasks<RangeTask, RangeResult>(
  (task, progress, cancelled) =>
    task.stream ? scanStream({ path: task.path, format: task.stream, chunkSizes: task.chunkSizes }, progress, cancelled) : scanRange(task, progress, cancelled),
  ScanCancelled,
);
