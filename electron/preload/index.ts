// Preload: only wiring. The API itself is built by the pure createApi() in ./api, with the
// desktop surface: no method of window.api takes a local path (see ../ipc/surface.ts).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { surfaceChannels } from '../ipc/surface';
import { createApi, type Transport } from './api';

const transport: Transport = {
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
  on: (channel, listener) => {
    const wrapped = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld(
  'api',
  createApi(transport, {
    channels: surfaceChannels('desktop'),
    // Only a File the user dropped has a path; getPathForFile refuses anything else the page made.
    pathForDroppedFile: (file) => webUtils.getPathForFile(file as File),
  }),
);
