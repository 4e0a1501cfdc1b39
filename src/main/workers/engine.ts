import { RunSpec, issuesFromZod, summariseIssues, ApiError } from '../../shared/contract'
import { runRandomWalk } from '../engine/tasks/random-walk'
import { serveWorker, yieldToEventLoop } from './runtime'

// The engine service: runs deterministic engine tasks off the main thread.
serveWorker({
  'engine.run': async (params, ctx) => {
    const parsed = RunSpec.safeParse(params)
    if (!parsed.success) {
      // Same paths as the router reports them (spec.steps, not steps).
      const issues = issuesFromZod(parsed.error, params, 'spec').map((i) => (i.path === 'spec' ? i : { ...i, path: `spec.${i.path}` }))
      throw new ApiError('invalid_params', summariseIssues(issues), issues)
    }
    const spec = parsed.data
    switch (spec.task) {
      case 'random-walk': {
        const results = await runRandomWalk(spec, {
          signal: ctx.signal,
          onProgress: (done, total) => ctx.emit('progress', { done, total }),
          yieldControl: yieldToEventLoop
        })
        return results
      }
    }
  }
})
