
export { serveTasks } from './worker-host.js';
export { PoolClosedError, PoolTask, TaskFailedError, WorkerPool } from './worker-pool.js';
