// "A first submission of a file set to a server": files are recognised by name and size (what
// both the form and the upload queue know), so a set sent once, checked or not, is known again.
import { createHash } from 'node:crypto';

export function fileSetKey(serverId: string, files: ReadonlyArray<{ name: string; size: number }>): string {
  const parts = files.map((file) => `${file.name}\u0000${file.size}`).sort();
  return `${serverId}|${createHash('sha256').update(parts.join('\u0001')).digest('hex').slice(0, 32)}`;
}
