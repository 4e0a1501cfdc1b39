import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createClient } from './api/client'
import { App, rememberedView } from './app/App'
import { ClientContext } from './app/ClientContext'
import { WorkspaceProvider } from './app/workspace'
import './styles.css'

const client = createClient()
const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    <ClientContext.Provider value={client}>
      <WorkspaceProvider initialView={rememberedView()}>
        <App />
      </WorkspaceProvider>
    </ClientContext.Provider>
  </StrictMode>
)
