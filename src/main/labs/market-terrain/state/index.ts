export * from './kalman'
export * from './flow'
export * from './trailhead'
