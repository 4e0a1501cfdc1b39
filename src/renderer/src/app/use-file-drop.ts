import { useState, type DragEvent } from 'react'

// A drop zone for one file (the Terrain and Regime views' CSV sources): whether a file is being
// dragged over it, and the handlers that hand the dropped file on.

export function useFileDrop(onFile: (file: File) => void) {
  const [dragging, setDragging] = useState(false)
  const handlers = {
    onDragOver: (e: DragEvent) => {
      e.preventDefault()
      setDragging(true)
    },
    onDragLeave: () => setDragging(false),
    onDrop: (e: DragEvent) => {
      e.preventDefault()
      setDragging(false)
      const file = e.dataTransfer.files[0]
      if (file) onFile(file)
    }
  }
  return { dragging, handlers }
}
