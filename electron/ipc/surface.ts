// Which invoke channels each mode registers. The desktop app does not trust its renderer with
// local paths: files come from the native dialog or a drop (resolved in preload), the results
// folder from a native dialog in main. The browser preview has no native dialogs, so only its
// surface has the in-app file browser and the channels that take a typed path. Pure TypeScript.
import { invokeChannelNames, type InvokeChannel } from './contract';

export type Surface = 'desktop' | 'preview';

/** Channels whose request carries a local path chosen in the page. */
export const previewOnlyChannels = ['files:listDir', 'files:register', 'servers:setDownloadDir'] as const satisfies readonly InvokeChannel[];

/** Channels that open a native dialog, or carry a drop that preload resolved. */
export const desktopOnlyChannels = ['files:openDialog', 'files:registerDropped', 'servers:chooseDownloadDir'] as const satisfies readonly InvokeChannel[];

/** Called by preload itself (with paths from webUtils.getPathForFile); window.api has no method for them. */
export const preloadOnlyChannels = ['files:registerDropped'] as const satisfies readonly InvokeChannel[];

export function surfaceChannels(surface: Surface): InvokeChannel[] {
  const excluded = new Set<InvokeChannel>(surface === 'desktop' ? previewOnlyChannels : desktopOnlyChannels);
  return invokeChannelNames.filter((channel) => !excluded.has(channel));
}
