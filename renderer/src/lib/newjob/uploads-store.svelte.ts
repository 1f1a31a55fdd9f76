// The uploads main is running or has run (they survive a reload of the window: main owns them).
// Which one this window follows (to open its job when submitted) and which finished ones the user
// dismissed are kept in sessionStorage, so a reload keeps them too.
import type { RequestOf, UploadView } from '../../../../electron/ipc/contract';
import { api } from '../api';
import { describeError } from '../errors';
import { mergeUploads } from './upload-merge';

const FOLLOW_KEY = 'newjob.follow';
const DISMISSED_KEY = 'newjob.dismissed';

function readList(key: string): string[] {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(key) ?? '[]');
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

export class UploadsStore {
  uploads = $state.raw<UploadView[]>([]);
  error = $state<string | null>(null);
  /** Uploads started from this form: the first to be submitted opens its job. */
  followed = $state<string[]>(readList(FOLLOW_KEY));
  dismissed = $state<string[]>(readList(DISMISSED_KEY));

  readonly visible = $derived(this.uploads.filter((upload) => !this.dismissed.includes(upload.id)));

  /** Subscribes to uploads:changed, then reads the list; returns the detach function. */
  attach(): () => void {
    const stop = api().on('uploads:changed', (upload) => {
      this.uploads = mergeUploads(this.uploads, [upload]);
    });
    void api()
      .uploads.list()
      .then((list) => (this.uploads = mergeUploads(this.uploads, list)))
      .catch((caught: unknown) => (this.error = describeError(caught)));
    return stop;
  }

  /** Starts an upload in main and follows it. */
  async start(request: RequestOf<'uploads:start'>): Promise<UploadView> {
    const upload = await api().uploads.start(request);
    this.added(upload);
    return upload;
  }

  /**
   * A failed upload is sent again by main, whole (one multipart POST cannot resume), with the same
   * results password: once the cause is cured (a new token, the server back, a job finished).
   */
  async retry(id: string): Promise<void> {
    this.error = null;
    try {
      const upload = await api().uploads.retry({ id });
      this.uploads = mergeUploads(this.uploads, [upload]);
    } catch (caught) {
      this.error = describeError(caught);
    }
  }

  private added(upload: UploadView): void {
    this.uploads = mergeUploads(this.uploads, [upload]);
    this.followed = [...this.followed, upload.id];
    sessionStorage.setItem(FOLLOW_KEY, JSON.stringify(this.followed));
  }

  /** Stops following an upload (its job was opened). */
  unfollow(id: string): void {
    this.followed = this.followed.filter((item) => item !== id);
    sessionStorage.setItem(FOLLOW_KEY, JSON.stringify(this.followed));
  }

  dismiss(id: string): void {
    this.dismissed = [...this.dismissed, id];
    // Main forgets it too (and a never-submitted job's password with it).
    void api()
      .uploads.dismiss({ id })
      .catch(() => undefined);
    sessionStorage.setItem(DISMISSED_KEY, JSON.stringify(this.dismissed));
    this.unfollow(id);
  }

  async cancel(id: string): Promise<void> {
    try {
      const upload = await api().uploads.cancel({ id });
      this.uploads = mergeUploads(this.uploads, [upload]);
    } catch (caught) {
      this.error = describeError(caught);
    }
  }
}
