import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { CALL_CHANNEL, EVENT_CHANNEL, type BridgeOutcome, type MechanicaBridge } from '../shared/bridge'

// The whole surface the renderer gets from Electron: one call function and one event feed.
const bridge: MechanicaBridge = {
  call: (method, params) => ipcRenderer.invoke(CALL_CHANNEL, method, params) as Promise<BridgeOutcome>,
  subscribe: (listener) => {
    const handler = (_event: IpcRendererEvent, message: { event: string; payload: unknown }): void => listener(message.event, message.payload)
    ipcRenderer.on(EVENT_CHANNEL, handler)
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler)
    }
  }
}

contextBridge.exposeInMainWorld('mechanica', bridge)
