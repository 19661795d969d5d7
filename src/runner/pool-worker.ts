// The entry of every worker-pool thread (src/pool): it serves all the task kinds the engine sends,
// so one pool runs the `!` forms of a batch, the alternatives of a fan-out and the slices of a
// `metta query` batch. Loading this module loads the engine; the pool sends tasks once it is ready.

import { serveTasks } from '../pool/index.js';
import { evaluate, evaluateAlternative } from './eval-handlers.js';
import { TASK_KINDS } from './eval-task.js';
import { answerSlice, QUERY_SLICE_TASK } from '../query/index.js';

serveTasks({
  [TASK_KINDS.evaluate]: evaluate,
  [TASK_KINDS.alternative]: evaluateAlternative,
  [QUERY_SLICE_TASK]: answerSlice,
});
