import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, decideNavigation, decidePermission, decideWindowOpen, isTrustedSender } from '../../electron/main/security';
import { createWindowOptions } from '../../electron/main/window-options';
import { isAllowedExternalUrl } from '../../electron/services/security/external-url';

describe('window options', () => {
  it('sets every security option explicitly', () => {
    const { webPreferences } = createWindowOptions({ preloadPath: '/app/preload.cjs', darkBackground: false, devTools: false });
    expect(webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(createWindowOptions({ preloadPath: '/p', darkBackground: true, devTools: true }).webPreferences?.devTools).toBe(true);
  });
});

describe('content security policy', () => {
  it('allows no eval and no remote script', () => {
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });

  it('is also a <meta> in index.html, the same policy but frame-ancestors (which a meta cannot carry)', async () => {
    const html = await readFile(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/g)];
    expect(metas).toHaveLength(1);
    const withoutFrameAncestors = CONTENT_SECURITY_POLICY.split('; ').filter((directive) => !directive.startsWith('frame-ancestors'));
    expect(metas[0]![1]!.split('; ')).toEqual(withoutFrameAncestors);
    // before the first script, so it applies to it
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
  });
});

describe('navigation and new windows', () => {
  it('allows navigation only inside the app', () => {
    expect(decideNavigation('app://bundle/index.html#/jobs')).toBe('allow');
    expect(decideNavigation('https://imputationserver.sph.umich.edu/')).toBe('deny');
    expect(decideNavigation('app://other/index.html')).toBe('deny');
    expect(decideNavigation('file:///etc/passwd')).toBe('deny');
    expect(decideNavigation('not a url')).toBe('deny');
  });

  it('never opens a window; allowlisted https links go to the system browser', () => {
    expect(decideWindowOpen('https://imputationserver.sph.umich.edu/#!pages/jobs')).toEqual({ action: 'deny', openExternally: true });
    expect(decideWindowOpen('https://evil.example/')).toEqual({ action: 'deny', openExternally: false });
    expect(decideWindowOpen('https://my-cloudgene.example.org/', ['my-cloudgene.example.org'])).toEqual({ action: 'deny', openExternally: true });
  });

  it('denies every permission request', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      expect(decidePermission(permission)).toBe(false);
    }
  });

  it('trusts only the main frame of the app', () => {
    expect(isTrustedSender('app://bundle/index.html', true)).toBe(true);
    expect(isTrustedSender('app://bundle/index.html', false)).toBe(false);
    expect(isTrustedSender('https://imputationserver.sph.umich.edu/', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
  });
});

describe('external links', () => {
  it('accepts https on the allowlist only, parsed as URLs', () => {
    expect(isAllowedExternalUrl('https://imputation.biodatacatalyst.nhlbi.nih.gov/index.html#!pages/profile')).toBe(true);
    expect(isAllowedExternalUrl('http://imputation.biodatacatalyst.nhlbi.nih.gov/')).toBe(false);
    expect(isAllowedExternalUrl('https://imputation.biodatacatalyst.nhlbi.nih.gov.evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://evil.example/?https://imputationserver.sph.umich.edu')).toBe(false);
    expect(isAllowedExternalUrl('https://user:pw@imputationserver.sph.umich.edu/')).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('')).toBe(false);
  });
});

describe('tray', () => {
  it('shows the number of live jobs and the two actions', async () => {
    const { trayModel } = await import('../../electron/main/tray-menu');
    expect(trayModel(0).items.map((item) => item.label)).toEqual(['Open Imputation Desktop', 'No jobs running', 'Quit']);
    expect(trayModel(1).items[1]!.label).toBe('1 job waiting or running');
    expect(trayModel(3).tooltip).toBe('Imputation Desktop: 3 jobs waiting or running');
    expect(trayModel(3).items[1]!.enabled).toBe(false);
  });
});

describe('application menu', () => {
  it('has DevTools and reload only when run from source, and Help opens the documentation', async () => {
    const { appMenuTemplate } = await import('../../electron/main/app-menu');
    const opened: string[] = [];
    const text = (isPackaged: boolean, isMac = false) =>
      JSON.stringify(appMenuTemplate({ isMac, isPackaged, openLink: (url) => opened.push(url) }), (key, value: unknown) =>
        key === 'click' ? undefined : value,
      );
    expect(text(false)).toContain('toggleDevTools');
    expect(text(true)).not.toMatch(/toggleDevTools|reload/i);
    expect(text(true, true)).toContain('"appMenu"');
    expect(text(true, false)).not.toContain('"appMenu"');
    const help = appMenuTemplate({ isMac: false, isPackaged: true, openLink: (url) => opened.push(url) }).find((item) => item.role === 'help')!;
    for (const item of help.submenu as Array<{ click: () => void }>) item.click();
    expect(opened.every((url) => isAllowedExternalUrl(url))).toBe(true);
    expect(opened).toHaveLength(2);
  });
});

describe('notification text', () => {
  it('escapes markup for libnotify on Linux only', async () => {
    const { notificationText } = await import('../../electron/main/notification-text');
    expect(notificationText('<b>A & B</b>', 'linux')).toBe('&lt;b&gt;A &amp; B&lt;/b&gt;');
    expect(notificationText('&amp;', 'linux')).toBe('&amp;amp;');
    expect(notificationText('<b>A & B</b>', 'darwin')).toBe('<b>A & B</b>');
    expect(notificationText('<b>A & B</b>', 'win32')).toBe('<b>A & B</b>');
  });
});
