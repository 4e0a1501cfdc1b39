// Test fixture: an "engine" that speaks the wire protocol but breaks the method table. It
// answers engine.plan with a seed that is not a number, engine.stressMenu with a variant that
// lacks its overrides, and engine.run with a progress event missing its total (then an
// answer that never arrives); engine.labs emits an event no method declares. Every call it
// was told to cancel is reported by engine.regimeSeries, so a test can see the cancel arrive.
const cancelled = []
process.on('disconnect', () => process.exit(0))
process.on('message', (message) => {
  if (message.type === 'cancel') {
    cancelled.push(message.id)
    return
  }
  const { id, method } = message
  const answer = (value) => process.send({ type: 'result', id, ok: true, value })
  switch (method) {
    case 'engine.plan':
      return answer({ seed: 'seven', steps: 10, configHash: 'c', requires: [] })
    case 'engine.stressMenu':
      return answer({ variants: [{ name: 'leverage ×2' }] })
    case 'engine.run':
      return process.send({ type: 'event', id, name: 'progress', payload: { done: 1 } })
    case 'engine.labs':
      return process.send({ type: 'event', id, name: 'gossip', payload: {} })
    case 'engine.regimeSeries':
      return answer({ source: `cancelled ${cancelled.join(',')}`, closes: new Float64Array(0), labels: null })
  }
})
process.send({ type: 'ready' })
