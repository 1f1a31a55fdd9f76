// Pure decisions for the Electron glue (unit-tested without the Electron binary).
import { isAllowedExternalUrl } from '../services/security/external-url';

/** The renderer is served from this custom scheme; nothing else is the app. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export { CONTENT_SECURITY_POLICY } from '../services/security/csp';

export function isAppUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/** In-window navigation: only within the app itself (hash routes). */
export function decideNavigation(url: string): 'allow' | 'deny' {
  return isAppUrl(url) ? 'allow' : 'deny';
}

/** window.open never creates a window; an allowlisted https link goes to the system browser instead. */
export function decideWindowOpen(url: string, extraHosts: readonly string[] = []): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isAllowedExternalUrl(url, extraHosts) };
}

/** Camera, microphone, notifications from the page, geolocation...: the renderer needs none of them. */
export function decidePermission(_permission: string): boolean {
  return false;
}

/** IPC is accepted only from the app's own main frame. */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean): boolean {
  return isMainFrame && typeof frameUrl === 'string' && isAppUrl(frameUrl);
}
