// Preload: only wiring. The API itself is built by the pure createApi() in ./api.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
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

contextBridge.exposeInMainWorld('api', createApi(transport, { pathForDroppedFile: (file) => webUtils.getPathForFile(file as File) }));
