import { describe, expect, it } from 'vitest';
import { trustSystemCertificates, type CaApi } from '../../electron/services/system-ca';

const pem = (name: string) => `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`;

function fakeTls(defaults: string[], system: string[]): CaApi & { set: string[][] } {
  const set: string[][] = [];
  return {
    set,
    getCACertificates: (type) => (type === 'system' ? system : defaults),
    setDefaultCACertificates: (certificates) => void set.push(certificates),
  };
}

describe('trustSystemCertificates', () => {
  it("adds the system's authorities to the bundled ones, each once", () => {
    const api = fakeTls([pem('mozilla-1'), pem('mozilla-2')], [pem('mozilla-2').trim(), pem('campus-proxy'), pem('campus-proxy')]);
    expect(trustSystemCertificates(api)).toEqual({ status: 'added', added: 1 });
    expect(api.set).toEqual([[pem('mozilla-1'), pem('mozilla-2'), pem('campus-proxy')]]);
  });

  it('leaves the list alone when the system adds nothing', () => {
    const api = fakeTls([pem('mozilla-1')], [pem('mozilla-1')]);
    expect(trustSystemCertificates(api)).toEqual({ status: 'added', added: 0 });
    expect(api.set).toEqual([]);
  });

  it('says so on a Node without the API (the browser preview on Node 20) and when reading fails', () => {
    expect(trustSystemCertificates({})).toEqual({ status: 'unsupported' });
    const broken: CaApi = {
      getCACertificates: () => {
        throw new Error('no system store');
      },
      setDefaultCACertificates: () => undefined,
    };
    expect(trustSystemCertificates(broken)).toEqual({ status: 'failed', reason: 'no system store' });
  });
});
