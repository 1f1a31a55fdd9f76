import { mount } from 'svelte';
import { surfaceChannels } from '../../electron/ipc/surface';
import { createApi } from '../../electron/preload/api';
import App from './App.svelte';
import './app.css';
import { setApi } from './lib/api';
import { connectWebTransport } from './lib/web-transport';

async function start(): Promise<void> {
  const target = document.getElementById('app')!;
  try {
    if (window.api) {
      setApi(window.api); // Electron: exposed by the preload script
    } else {
      const key = new URLSearchParams(window.location.search).get('key') ?? '';
      setApi(createApi(await connectWebTransport(key), { channels: surfaceChannels('preview') })); // the browser preview
    }
    mount(App, { target });
  } catch (error) {
    target.textContent = error instanceof Error ? error.message : String(error);
    target.setAttribute('role', 'alert');
  }
}

void start();
