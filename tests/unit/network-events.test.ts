import { afterEach, describe, expect, it, vi } from 'vitest';
import { pollNetwork } from '../../electron/services/network-events';

afterEach(() => {
  vi.useRealTimers();
});

describe('pollNetwork', () => {
  it('tells listeners about changes only, not the starting state or repeats', () => {
    vi.useFakeTimers();
    let online = true;
    const heard: string[] = [];
    const network = pollNetwork(() => online, 1000);
    network.onOffline(() => heard.push('offline'));
    network.onOnline(() => heard.push('online'));
    vi.advanceTimersByTime(3000);
    expect(heard).toEqual([]);
    online = false;
    vi.advanceTimersByTime(1000);
    vi.advanceTimersByTime(5000);
    online = true;
    vi.advanceTimersByTime(1000);
    expect(heard).toEqual(['offline', 'online']);
    network.stop();
    online = false;
    vi.advanceTimersByTime(5000);
    expect(heard).toEqual(['offline', 'online']);
  });

  it('keeps the last state when the probe throws', () => {
    vi.useFakeTimers();
    let probe: () => boolean = () => false;
    const heard: string[] = [];
    const network = pollNetwork(() => probe(), 1000);
    network.onOnline(() => heard.push('online'));
    network.onOffline(() => heard.push('offline'));
    probe = () => {
      throw new Error('not ready');
    };
    vi.advanceTimersByTime(3000);
    expect(heard).toEqual([]);
    probe = () => true;
    vi.advanceTimersByTime(1000);
    expect(heard).toEqual(['online']);
    network.stop();
  });
});
