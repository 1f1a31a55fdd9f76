// Opening a web page in the system browser. Main only opens https links to known hosts; the
// browser preview answers opened: false, and then the page opens a tab itself.
import { api } from '../api';

/** Rejects with the ApiError when main refuses the link. */
export async function openInBrowser(url: string): Promise<void> {
  const { opened } = await api().shell.openExternal({ url });
  if (!opened) window.open(url, '_blank', 'noopener');
}
